package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/accountplan/accountplan/ent/hook"
	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/schema/invariant"
	"github.com/accountplan/accountplan/ent/schema/rule"
)

// IcpCriterion grades one value (or range) of one firmographic attribute in
// the ideal customer profile.
type IcpCriterion struct{ ent.Schema }

// Mixin of the IcpCriterion.
func (IcpCriterion) Mixin() []ent.Mixin { return mixins() }

// Fields of the IcpCriterion.
func (IcpCriterion) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("attribute").Annotations(valueDocs{
			"INDUSTRY":                    "The account's industry.",
			"SELLERS":                     "The account's size: its number of sellers.",
			"REGION":                      "The account's region and country.",
			"MATURITY":                    "The account's business maturity.",
			"VP_SALES_CONTACT":            "Whether we have a relationship with the account's VP Sales.",
			"VP_SALES_OPERATIONS_CONTACT": "Whether we have a relationship with the account's VP Sales Operations.",
		}).
			Values("INDUSTRY", "SELLERS", "REGION", "MATURITY", "VP_SALES_CONTACT", "VP_SALES_OPERATIONS_CONTACT").
			Comment("The account attribute the criterion grades: INDUSTRY (the account's industry), SELLERS (its size in sellers, as a range), REGION (its country or sales region), MATURITY (its business maturity), VP_SALES_CONTACT and VP_SALES_OPERATIONS_CONTACT (whether a stakeholder holds such a title). The description of value says which value each takes.").
			Annotations(entgql.Type("IcpAttribute"), entgql.OrderField("ATTRIBUTE")),
		field.String("value").Optional().Nillable().NotEmpty().MaxLen(100).
			Comment("The value graded, for every attribute but SELLERS: an industry name (INDUSTRY, e.g. High Tech); an ISO country code or a sales region (REGION, e.g. GB or North America; a country criterion wins over a region one); STARTUP, GROWTH, MATURITY or DECLINE (MATURITY); PRESENT or ABSENT (the contact attributes). Compared case-insensitively. For INDUSTRY and REGION, * grades every value no other criterion names.").
			Annotations(entgql.OrderField("VALUE")),
		field.Int("min_sellers").Optional().Nillable().Min(0).
			Comment("SELLERS only: the smallest seller count in the range, inclusive; leave it out for no lower bound."),
		field.Int("max_sellers").Optional().Nillable().Min(0).
			Comment("SELLERS only: the largest seller count in the range, inclusive; leave it out for no upper bound. At least minSellers."),
		field.Enum("grade").Annotations(valueDocs{
			"IDEAL":        "The value fits our ideal customer.",
			"CAUTION":      "The value fits with reservations.",
			"OFF_STRATEGY": "The value does not fit our strategy.",
		}).Values("IDEAL", "CAUTION", "OFF_STRATEGY").
			Comment("How an account with this value fits: IDEAL (our sweet spot), CAUTION (can work, with care), OFF_STRATEGY (not a customer we pursue).").
			Annotations(entgql.Type("IcpGrade"), entgql.OrderField("GRADE")),
		field.Text("note").Optional().
			Comment("Why the value has this grade, shown with the account's fit; e.g. requires complex customer engagement."),
	}
}

// Annotations of the IcpCriterion.
func (IcpCriterion) Annotations() []schema.Annotation {
	return node("One criterion of the ideal customer profile (ICP): a value of an account attribute, or a range of seller counts, graded IDEAL, CAUTION or OFF_STRATEGY. Every account's icpFit is computed from these. Each value of an attribute has one grade at most: two criteria of the same attribute may not name the same value or overlapping seller ranges.",
		entsql.Table("icp_criteria"), entgql.QueryField("icpCriteria"))
}

// Hooks of the IcpCriterion: every value of an attribute has one grade at most.
func (IcpCriterion) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(invariant.IcpCriterionGradesOnce, writes)}
}

// Policy of the IcpCriterion: the ideal customer profile is the admins'.
func (IcpCriterion) Policy() ent.Policy {
	return privacy.Policy{Mutation: privacy.MutationPolicy{rule.DenyAll("only an admin may change the ideal customer profile")}}
}
