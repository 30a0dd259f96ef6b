// Package selection tells ent what a GraphQL request selects under the
// stakeholder records that a computed answer (an org map, a path) holds, so
// that entgql eager-loads it for all of them at once, as it does for a list,
// instead of once per record. It is the GraphQL side of graph/orgmap, which
// knows nothing of GraphQL.
package selection

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/accountplan/accountplan/ent"
)

// Stakeholders prepares the query for the stakeholder records of the current
// field's answer: it collects, as entgql's CollectFields does for a list,
// everything selected under any field of type Stakeholder anywhere in the
// answer, all positions merged, since they share the records. It returns nil
// when nothing of type Stakeholder is selected: no records are needed.
func Stakeholders(ctx context.Context) func(*ent.StakeholderQuery) (*ent.StakeholderQuery, error) {
	oc := graphql.GetOperationContext(ctx)
	var selected ast.SelectionSet
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, f := range graphql.CollectFields(oc, set, nil) {
			switch {
			case f.Definition == nil:
			case f.Definition.Type.Name() == "Stakeholder":
				selected = append(selected, f.Selections...)
			default:
				walk(f.Selections)
			}
		}
	}
	walk(graphql.GetFieldContext(ctx).Field.Selections)
	if selected == nil {
		return nil
	}
	field := graphql.CollectedField{Field: &ast.Field{Alias: "stakeholder", Name: "stakeholder", SelectionSet: selected}, Selections: selected}
	return func(q *ent.StakeholderQuery) (*ent.StakeholderQuery, error) {
		return q.CollectFields(graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Stakeholder", Field: field}))
	}
}
