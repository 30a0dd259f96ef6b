package invariant_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// as is the context the tests write in: a request of the open server, so
// that the change history records what the writes change, and shows
// whether a refused one left a trace there.
var as = viewer.NewContext(context.Background(), viewer.Open)

// refused checks that the write is refused with an error of want's type
// (InputError or ReferenceError) that names want's GraphQL input field, and
// that it changed nothing.
func refused(t *testing.T, client *ent.Client, want error, write func(context.Context) error) {
	t.Helper()
	before := storetest.Dump(t, client)
	err := write(as)
	var input *clienterr.InputError
	var ref *clienterr.ReferenceError
	switch w := want.(type) {
	case *clienterr.InputError:
		if !errors.As(err, &input) || input.Field != w.Field {
			t.Errorf("got %v, want an InputError naming %s", err, w.Field)
		}
	case *clienterr.ReferenceError:
		if !errors.As(err, &ref) || *ref != *w {
			t.Errorf("got %#v, want %#v", err, w)
		}
	default:
		t.Fatalf("refused does not check %T", want)
	}
	if changes := storetest.Changes(before, storetest.Dump(t, client)); changes != "" {
		t.Errorf("the refused write changed:\n%s", changes)
	}
}

// inputError is the error refused expects.
func inputError(field string) error { return &clienterr.InputError{Field: field} }

// ok fails the test on an error of a write meant to succeed.
func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("a write meant to succeed failed: %v", err)
	}
}

// day is a fixed day, n days after 2025-01-01.
func day(n int) time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n) }
