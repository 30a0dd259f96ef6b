package invariant_test

import (
	"context"
	"testing"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/icpcriterion"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

// TestIcpCriterionShape: a criterion has what its attribute grades: a value
// of the attribute's kind, or for SELLERS a range, and nothing else.
func TestIcpCriterionShape(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		type criterion struct {
			attribute icpcriterion.Attribute
			value     string
			min, max  int    // -1 for none
			field     string // the field a refusal names
		}
		create := func(ctx context.Context, k criterion) error {
			q := c.IcpCriterion.Create().SetAttribute(k.attribute).SetGrade(icpcriterion.GradeIDEAL)
			if k.value != "" {
				q.SetValue(k.value)
			}
			if k.min >= 0 {
				q.SetMinSellers(k.min)
			}
			if k.max >= 0 {
				q.SetMaxSellers(k.max)
			}
			return q.Exec(ctx)
		}
		for _, k := range []criterion{
			{attribute: icpcriterion.AttributeSELLERS, value: "100", min: 1, max: 5, field: "value"},
			{attribute: icpcriterion.AttributeSELLERS, min: -1, max: -1, field: "minSellers"},
			{attribute: icpcriterion.AttributeSELLERS, min: 10, max: 9, field: "maxSellers"},
			{attribute: icpcriterion.AttributeINDUSTRY, value: "Retail", min: 1, max: -1, field: "minSellers"},
			{attribute: icpcriterion.AttributeREGION, value: "EMEA", min: -1, max: 5, field: "maxSellers"},
			{attribute: icpcriterion.AttributeINDUSTRY, min: -1, max: -1, field: "value"},
			{attribute: icpcriterion.AttributeMATURITY, value: "OLD", min: -1, max: -1, field: "value"},
			{attribute: icpcriterion.AttributeVP_SALES_CONTACT, value: "YES", min: -1, max: -1, field: "value"},
			{attribute: icpcriterion.AttributeVP_SALES_OPERATIONS_CONTACT, value: "MAYBE", min: -1, max: -1, field: "value"},
		} {
			refused(t, c, inputError(k.field), func(ctx context.Context) error { return create(ctx, k) })
		}
		for _, k := range []criterion{
			{attribute: icpcriterion.AttributeSELLERS, min: 10, max: 10},
			{attribute: icpcriterion.AttributeSELLERS, min: 11, max: -1},
			{attribute: icpcriterion.AttributeMATURITY, value: "GROWTH", min: -1, max: -1},
			{attribute: icpcriterion.AttributeVP_SALES_CONTACT, value: "PRESENT", min: -1, max: -1},
			{attribute: icpcriterion.AttributeVP_SALES_OPERATIONS_CONTACT, value: "ABSENT", min: -1, max: -1},
			{attribute: icpcriterion.AttributeINDUSTRY, value: "*", min: -1, max: -1},
		} {
			ok(t, create(as, k))
		}

		// Updates are checked on what the criterion holds after them.
		sellers := c.IcpCriterion.Query().Where(icpcriterion.AttributeEQ(icpcriterion.AttributeSELLERS), icpcriterion.MinSellers(11)).OnlyIDX(as)
		maturity := c.IcpCriterion.Query().Where(icpcriterion.AttributeEQ(icpcriterion.AttributeMATURITY)).OnlyIDX(as)
		refused(t, c, inputError("maxSellers"), func(ctx context.Context) error {
			return c.IcpCriterion.UpdateOneID(sellers).SetMaxSellers(5).Exec(ctx)
		})
		refused(t, c, inputError("minSellers"), func(ctx context.Context) error {
			return c.IcpCriterion.UpdateOneID(sellers).ClearMinSellers().Exec(ctx)
		})
		refused(t, c, inputError("value"), func(ctx context.Context) error {
			return c.IcpCriterion.UpdateOneID(maturity).ClearValue().Exec(ctx)
		})
		refused(t, c, inputError("value"), func(ctx context.Context) error {
			return c.IcpCriterion.UpdateOneID(maturity).SetAttribute(icpcriterion.AttributeVP_SALES_CONTACT).Exec(ctx)
		})
		refused(t, c, inputError("minSellers"), func(ctx context.Context) error {
			return c.IcpCriterion.Update().Where(icpcriterion.IDIn(sellers, maturity)).SetAttribute(icpcriterion.AttributeREGION).Exec(ctx)
		})
		ok(t, c.IcpCriterion.UpdateOneID(sellers).ClearMinSellers().SetMaxSellers(9).Exec(as))
	})
}

// TestIcpCriterionGradesOnce: no value of an attribute, compared without
// case, and no seller count has two criteria.
func TestIcpCriterionGradesOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		value := func(attribute icpcriterion.Attribute, v string) *ent.IcpCriterionCreate {
			return c.IcpCriterion.Create().SetAttribute(attribute).SetValue(v).SetGrade(icpcriterion.GradeIDEAL)
		}
		sellers := func(lo, hi int) *ent.IcpCriterionCreate {
			q := c.IcpCriterion.Create().SetAttribute(icpcriterion.AttributeSELLERS).SetGrade(icpcriterion.GradeCAUTION)
			if lo >= 0 {
				q.SetMinSellers(lo)
			}
			if hi >= 0 {
				q.SetMaxSellers(hi)
			}
			return q
		}
		retail := value(icpcriterion.AttributeINDUSTRY, "Retail").SaveX(as).ID
		value(icpcriterion.AttributeREGION, "EMEA").SaveX(as)
		mid := sellers(100, 500).SaveX(as).ID
		sellers(1000, -1).SaveX(as)

		refused(t, c, inputError("value"), func(ctx context.Context) error { return value(icpcriterion.AttributeINDUSTRY, "retail").Exec(ctx) })
		refused(t, c, inputError("value"), func(ctx context.Context) error { return value(icpcriterion.AttributeREGION, "EMEA").Exec(ctx) })
		for _, r := range [][2]int{{0, 100}, {500, 600}, {200, 300}, {50, 2000}, {-1, 100}, {2000, -1}, {999, 1000}} {
			refused(t, c, inputError("minSellers"), func(ctx context.Context) error { return sellers(r[0], r[1]).Exec(ctx) })
		}
		refused(t, c, inputError("value"), func(ctx context.Context) error {
			return c.IcpCriterion.UpdateOneID(retail).SetAttribute(icpcriterion.AttributeREGION).SetValue("emea").Exec(ctx)
		})
		refused(t, c, inputError("minSellers"), func(ctx context.Context) error {
			return c.IcpCriterion.UpdateOneID(mid).SetMaxSellers(1000).Exec(ctx)
		})

		// The same value under another attribute, a range that touches no
		// other, and a criterion rewritten in place are fine.
		ok(t, value(icpcriterion.AttributeREGION, "Retail").Exec(as))
		ok(t, sellers(-1, 99).Exec(as))
		ok(t, sellers(501, 999).Exec(as))
		ok(t, c.IcpCriterion.UpdateOneID(retail).SetValue("RETAIL").Exec(as))
		ok(t, c.IcpCriterion.UpdateOneID(mid).SetMinSellers(200).SetMaxSellers(400).Exec(as))
	})
}
