package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

// The edge fields below give hand-written SQL and predicates a name for an
// edge's foreign key (accountplan.FieldAccountID, goal.PlanIDIn) instead of
// the column name ent made up for it. Each keeps that column through
// StorageKey, so a database written before the fields opens unchanged, and
// each is left out of the GraphQL schema, which shows the edge itself
// (account, plan) and sets it through the inputs' accountID, planID.

// parentKey is the edge field of a required, immutable edge to the record's parent.
func parentKey(name, column string) ent.Field {
	return field.Int(name).StorageKey(column).Immutable().
		Annotations(entgql.Skip(entgql.SkipAll))
}

// optionalKey is the edge field of an optional edge, nil when it points nowhere.
func optionalKey(name, column string) ent.Field {
	return field.Int(name).StorageKey(column).Optional().Nillable().
		Annotations(entgql.Skip(entgql.SkipAll))
}
