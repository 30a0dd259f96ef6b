package invariant

import (
	"context"
	"fmt"
	"math"
	"strings"

	"entgo.io/ent"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/hook"
	"github.com/accountplan/accountplan/ent/icpcriterion"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
)

// IcpCriterionGradesOnce refuses a criterion without the value or seller
// range its attribute needs, or grading a value that another criterion of
// the same attribute grades: every value has one grade at most.
func IcpCriterionGradesOnce(next ent.Mutator) ent.Mutator {
	return hook.IcpCriterionFunc(func(ctx context.Context, m *gen.IcpCriterionMutation) (ent.Value, error) {
		if err := checkIcpCriterion(ctx, m); err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
}

func checkIcpCriterion(ctx context.Context, m *gen.IcpCriterionMutation) error {
	_, setAttribute := m.Attribute()
	_, setValue := m.Value()
	_, setMin := m.MinSellers()
	_, setMax := m.MaxSellers()
	if !setAttribute && !setValue && !setMin && !setMax && !m.ValueCleared() && !m.MinSellersCleared() && !m.MaxSellersCleared() {
		return nil
	}
	rows, err := icpCriteriaAfter(ctx, m)
	if err != nil {
		return err
	}
	ids := make([]int, len(rows))
	for i, c := range rows {
		ids[i] = c.ID
	}
	for _, c := range rows {
		if err := checkIcpShape(c); err != nil {
			return err
		}
		others, err := m.Client().IcpCriterion.Query().
			Where(icpcriterion.AttributeEQ(c.Attribute), icpcriterion.IDNotIn(ids...)).All(ctx)
		if err != nil {
			return err
		}
		for _, o := range others {
			if err := checkIcpOverlap(c, o); err != nil {
				return err
			}
		}
	}
	return nil
}

// icpCriteriaAfter is what the criteria the mutation writes will hold after it.
func icpCriteriaAfter(ctx context.Context, m *gen.IcpCriterionMutation) ([]*gen.IcpCriterion, error) {
	var rows []*gen.IcpCriterion
	if m.Op().Is(ent.OpCreate) {
		rows = []*gen.IcpCriterion{{}}
	} else {
		ids, err := m.IDs(ctx)
		if err != nil {
			return nil, err
		}
		if rows, err = m.Client().IcpCriterion.Query().Where(icpcriterion.IDIn(ids...)).All(ctx); err != nil {
			return nil, err
		}
	}
	for _, c := range rows {
		if v, ok := m.Attribute(); ok {
			c.Attribute = v
		}
		if m.ValueCleared() {
			c.Value = nil
		}
		if v, ok := m.Value(); ok {
			c.Value = &v
		}
		if m.MinSellersCleared() {
			c.MinSellers = nil
		}
		if v, ok := m.MinSellers(); ok {
			c.MinSellers = &v
		}
		if m.MaxSellersCleared() {
			c.MaxSellers = nil
		}
		if v, ok := m.MaxSellers(); ok {
			c.MaxSellers = &v
		}
	}
	return rows, nil
}

// checkIcpShape refuses a criterion whose value or range does not suit its attribute.
func checkIcpShape(c *gen.IcpCriterion) error {
	if c.Attribute == icpcriterion.AttributeSELLERS {
		switch {
		case c.Value != nil:
			return &clienterr.InputError{Field: "value", Message: "a SELLERS criterion grades a range: give minSellers and maxSellers, not a value"}
		case c.MinSellers == nil && c.MaxSellers == nil:
			return &clienterr.InputError{Field: "minSellers", Message: "a SELLERS criterion needs minSellers, maxSellers or both"}
		case c.MinSellers != nil && c.MaxSellers != nil && *c.MaxSellers < *c.MinSellers:
			return &clienterr.InputError{Field: "maxSellers", Message: "maxSellers must be at least minSellers"}
		}
		return nil
	}
	switch {
	case c.MinSellers != nil:
		return &clienterr.InputError{Field: "minSellers", Message: "only a SELLERS criterion takes a seller range"}
	case c.MaxSellers != nil:
		return &clienterr.InputError{Field: "maxSellers", Message: "only a SELLERS criterion takes a seller range"}
	case c.Value == nil:
		return &clienterr.InputError{Field: "value", Message: fmt.Sprintf("a %s criterion needs a value", c.Attribute)}
	}
	v := *c.Value
	switch c.Attribute {
	case icpcriterion.AttributeMATURITY:
		if account.MaturityValidator(account.Maturity(v)) != nil {
			return &clienterr.InputError{Field: "value", Message: "a MATURITY criterion takes STARTUP, GROWTH, MATURITY or DECLINE"}
		}
	case icpcriterion.AttributeVP_SALES_CONTACT, icpcriterion.AttributeVP_SALES_OPERATIONS_CONTACT:
		if v != "PRESENT" && v != "ABSENT" {
			return &clienterr.InputError{Field: "value", Message: fmt.Sprintf("a %s criterion takes PRESENT or ABSENT", c.Attribute)}
		}
	}
	return nil
}

// checkIcpOverlap refuses c when it grades a value that o, a criterion of the same attribute, already grades.
func checkIcpOverlap(c, o *gen.IcpCriterion) error {
	if c.Attribute != icpcriterion.AttributeSELLERS {
		if o.Value != nil && strings.EqualFold(*c.Value, *o.Value) {
			return &clienterr.InputError{Field: "value", Message: fmt.Sprintf("%q is already graded %s by another %s criterion (%d)", *o.Value, o.Grade, o.Attribute, o.ID)}
		}
		return nil
	}
	lo, hi := sellerRange(c)
	oLo, oHi := sellerRange(o)
	if lo <= oHi && oLo <= hi {
		return &clienterr.InputError{Field: "minSellers", Message: fmt.Sprintf("the range overlaps %s, graded %s by another SELLERS criterion (%d)", sellersText(o), o.Grade, o.ID)}
	}
	return nil
}

// sellerRange is a criterion's range with its open ends filled in.
func sellerRange(c *gen.IcpCriterion) (lo, hi int) {
	lo, hi = 0, math.MaxInt
	if c.MinSellers != nil {
		lo = *c.MinSellers
	}
	if c.MaxSellers != nil {
		hi = *c.MaxSellers
	}
	return lo, hi
}

// sellersText describes a criterion's range: 100 to 5000 sellers, 5001 or more sellers, up to 99 sellers.
func sellersText(c *gen.IcpCriterion) string {
	switch {
	case c.MinSellers != nil && c.MaxSellers != nil:
		return fmt.Sprintf("%d to %d sellers", *c.MinSellers, *c.MaxSellers)
	case c.MinSellers != nil:
		return fmt.Sprintf("%d or more sellers", *c.MinSellers)
	}
	return fmt.Sprintf("up to %d sellers", *c.MaxSellers)
}
