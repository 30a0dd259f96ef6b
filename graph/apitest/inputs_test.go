package apitest

// Values outside the domain are refused at the door, the same way on both
// databases: text with a NUL character, empty, zero and out-of-range times,
// and amounts beyond scalar.MaxMoney, in every argument and input field of
// every root field (every create and update input, every filter), with
// BAD_USER_INPUT naming the field and nothing written.

import (
	"fmt"
	"math"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/accountplan/accountplan/graph/scalar"
)

// outOfDomain are the values each scalar must refuse.
var outOfDomain = map[string][]any{
	"String": {"a\x00b", "\x00"},
	"Time":   {"", "0001-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "2200-01-01T00:00:00Z"},
	"Money":  {int64(math.MaxInt64), int64(scalar.MaxMoney + 1), int64(-scalar.MaxMoney - 1)},
}

func TestInputsOutsideTheDomainAreRefused(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		newInvWorld(t, e)
		before := invSnapshot(t, e)
		covered := map[string]int{}
		for _, p := range positions(func(typ *ast.Type) bool { return outOfDomain[typ.Name()] != nil }) {
			// Scalars are read as a field runs: on a fixture this small only
			// the root fields surely run, and every input type is found there.
			if p.route.open != "" {
				continue
			}
			scalar := p.typ().Name()
			for _, v := range outOfDomain[scalar] {
				if p.typ().Elem != nil {
					v = []any{v}
				}
				query, vars := p.request(v, false) // a NUL cannot be written in a GraphQL literal as Go quotes it
				invRun(t, e, fmt.Sprintf("%s=%q", p, fmt.Sprint(v)), func(t *testing.T) {
					if code, field := e.code(query, vars); code != "BAD_USER_INPUT" || field != p.name() {
						t.Errorf("got code %q field %q, want BAD_USER_INPUT %q", code, field, p.name())
					}
				})
				covered[scalar]++
			}
		}
		if after := invSnapshot(t, e); after != before {
			t.Errorf("a refused request changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
		}
		t.Logf("covered %v", covered)
		// A schema change that took the walk away from these scalars would fail here.
		if covered["String"] < 500 || covered["Time"] < 500 || covered["Money"] < 50 {
			t.Errorf("the walk covered too few positions: %v", covered)
		}
	})
}
