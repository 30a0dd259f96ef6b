// Package invariant holds the rules across records that the data layer
// enforces, whichever client writes: hierarchies without cycles, records of
// one account pointing only at that account's records, periods that end
// after they start, and the values one write derives from another. Each
// entity's schema file lists the hooks it runs, with the operations they
// run on. A refused write returns a clienterr.InputError or ReferenceError
// and changes nothing. Serialise keeps each check one step with its write
// when writers race.
package invariant

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
)

// checkAncestry refuses to put node under newParent when newParent is node itself or one of its descendants.
func checkAncestry(ctx context.Context, parentOf func(context.Context, int) ([]int, error), node, newParent int, field, noun string) error {
	seen := map[int]bool{}
	for cur := newParent; !seen[cur]; {
		if cur == node {
			return &clienterr.InputError{Field: field, Message: fmt.Sprintf("this change would make the %s its own ancestor: the hierarchy cannot form a cycle", noun)}
		}
		seen[cur] = true
		up, err := parentOf(ctx, cur)
		if err != nil || len(up) == 0 {
			return err
		}
		cur = up[0]
	}
	return nil
}

// sameAccount refuses the write when the account q leads to is not want.
func sameAccount(ctx context.Context, q *gen.AccountQuery, want int, field, message string) error {
	got, err := q.OnlyID(ctx)
	if err != nil {
		return err
	}
	if got != want {
		return &clienterr.InputError{Field: field, Message: message}
	}
	return nil
}

// accountsOf is the account a create names, or the accounts of the rows an update writes.
func accountsOf(ctx context.Context, created func() (int, bool), ids func(context.Context) ([]int, error), query func([]int) *gen.AccountQuery) ([]int, error) {
	if acc, ok := created(); ok {
		return []int{acc}, nil
	}
	rows, err := ids(ctx)
	if err != nil {
		return nil, err
	}
	return query(rows).IDs(ctx)
}

// checkPeriod refuses an end that is not after the start (or before it, when
// equal is allowed). Values missing from the mutation are read from the row;
// a zero time means unset. A bulk update must set both ends or neither.
func checkPeriod(ctx context.Context, op ent.Op, start, end func() (time.Time, bool), oldStart, oldEnd func(context.Context) (time.Time, error), endField, startField string, equal bool) error {
	s, setS := start()
	e, setE := end()
	if !setS && !setE {
		return nil
	}
	if op.Is(ent.OpUpdate) && setS != setE {
		return &clienterr.InputError{Field: endField, Message: fmt.Sprintf("a bulk update sets %s and %s together", startField, endField)}
	}
	var err error
	if !setS && op.Is(ent.OpUpdateOne) {
		s, err = oldStart(ctx)
	}
	if err == nil && !setE && op.Is(ent.OpUpdateOne) {
		e, err = oldEnd(ctx)
	}
	if err != nil || s.IsZero() || e.IsZero() {
		return err
	}
	if e.Before(s) || (!equal && e.Equal(s)) {
		return &clienterr.InputError{Field: endField, Message: fmt.Sprintf("%s must be after %s", endField, startField)}
	}
	return nil
}
