package graph

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Every String, Time and Money value a client sends passes the domain checks
// of package scalar: gqlgen.yml binds those scalars to it, and nothing in the
// executor calls gqlgen's own String or Time unmarshalers.
func TestEveryInputPassesTheDomainScalars(t *testing.T) {
	files, err := filepath.Glob("generated/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no generated code: %v", err)
	}
	// Introspection's own enums (__TypeKind...) are strings that never reach a database.
	builtin := regexp.MustCompile(`unmarshal[NO](\w+?)2\w*\(ctx context\.Context, v any\) \([^)]*\) \{\s*res, err := graphql\.Unmarshal(String|Time)\(`)
	ours := regexp.MustCompile(`scalar\.Unmarshal(String|Time|Money)\(`)
	found := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range builtin.FindAllSubmatch(b, -1) {
			if !bytes.HasPrefix(m[1], []byte("__")) {
				t.Errorf("%s: %s reads a %s with gqlgen's unmarshaler: bind the scalar to package scalar in gqlgen.yml", f, m[1], m[2])
			}
		}
		for _, m := range ours.FindAllSubmatch(b, -1) {
			found[string(m[1])] = true
		}
	}
	for _, s := range []string{"String", "Time", "Money"} {
		if !found[s] {
			t.Errorf("no input goes through scalar.Unmarshal%s", s)
		}
	}
}

// A write that kept finding SQLite locked by another is a retryable CONFLICT, as a PostgreSQL deadlock is.
func TestBusyIsRetryableConflict(t *testing.T) {
	for _, err := range []error{
		errors.New("sqlite3: database is locked"),
		fmt.Errorf("insert: %w", &pgconn.PgError{Code: "40P01", Message: "deadlock detected"}),
	} {
		var got *gqlerror.Error
		if !errors.As(classify(err), &got) || got.Extensions["code"] != CodeConflict || got.Extensions["retryable"] != true {
			t.Errorf("classify(%v) = %v, want a retryable CONFLICT", err, got)
		}
	}
}

// A sum beyond 64 bits is the client's to narrow, on either database.
func TestOverflowIsBadUserInput(t *testing.T) {
	for _, err := range []error{
		fmt.Errorf("totals: %w", &pgconn.PgError{Code: "22003", Message: "bigint out of range"}),
		errors.New("sqlite: integer overflow"),
	} {
		var got *gqlerror.Error
		if !errors.As(classify(err), &got) || got.Extensions["code"] != CodeBadUserInput {
			t.Errorf("classify(%v) = %v, want BAD_USER_INPUT", err, got)
		}
	}
}
