package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/graph/orgmap"
)

// mapAnswers answers an orgMap field asked before, at the same map version,
// with the JSON written then. gqlgen spends about a microsecond on each field
// of an answer, and the full map of 5,000 stakeholders and 20,000 edges has
// hundreds of thousands: writing the map is what takes long, not computing it.
//
// Only fields whose values come from the map itself are kept (see
// fromMapOnly): what the map's version covers. Every signed-in user reads every
// account's map (ent/schema/rule), so answers are shared between users.
type mapAnswers struct {
	client *ent.Client
	cache  *orgmap.Cache
}

func (a mapAnswers) aroundRootField(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	field := graphql.GetRootFieldContext(ctx).Field
	if a.cache == nil || field.ObjectDefinition.Name != "Query" || field.Name != "orgMap" || field.Arguments.ForName("asOf") != nil || !fromMapOnly(field.Selections) {
		return next(ctx)
	}
	op := graphql.GetOperationContext(ctx)
	id, err := graphql.UnmarshalIntID(field.ArgumentMap(op.Variables)["accountID"])
	if err != nil {
		return next(ctx)
	}
	version, err := orgmap.Loader{Client: a.client}.Version(ctx, id)
	if err != nil {
		return next(ctx) // the resolver reports what is wrong
	}
	variables, err := json.Marshal(op.Variables)
	if err != nil {
		return next(ctx)
	}
	key := strings.Join([]string{op.RawQuery, op.OperationName, string(variables), field.Alias}, "\x00")
	if answer := a.cache.Answer(id, version, key); answer != nil {
		return rawJSON(answer)
	}
	errs := len(graphql.GetErrors(ctx))
	m := next(ctx)
	if len(graphql.GetErrors(ctx)) != errs {
		return m // an error here, or in a field beside it: not worth telling apart
	}
	var answer bytes.Buffer
	m.MarshalGQL(&answer)
	a.cache.KeepAnswer(id, version, key, answer.Bytes())
	return rawJSON(answer.Bytes())
}

// rawJSON writes JSON already written.
func rawJSON(b []byte) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { _, _ = w.Write(b) })
}

// fromMapOnly reports whether every field selected reads only what the
// map's version covers: the types of package orgmap, and the stored fields
// (the leaves) of the records they show: the account, its stakeholders, our
// relationships with them and those relationships' users and stakeholders.
// Any other field (a connection under a stakeholder, say, or its history)
// reads data whose changes the version does not follow.
func fromMapOnly(selections ast.SelectionSet) bool {
	for _, s := range selections {
		var ok bool
		switch s := s.(type) {
		case *ast.Field:
			ok = plainDirectives(s.Directives) && fieldFromMap(s)
		case *ast.InlineFragment:
			ok = plainDirectives(s.Directives) && fromMapOnly(s.SelectionSet)
		case *ast.FragmentSpread:
			ok = plainDirectives(s.Directives) && s.Definition != nil && fromMapOnly(s.Definition.SelectionSet)
		}
		if !ok {
			return false
		}
	}
	return true
}

// plainDirectives are none but @include and @skip, whose variables are part
// of the key an answer is kept under.
func plainDirectives(ds ast.DirectiveList) bool {
	for _, d := range ds {
		if d.Name != "include" && d.Name != "skip" {
			return false
		}
	}
	return true
}

// mapRecords are the record types a map shows, with the fields under them
// that lead to another such record of the same map.
var mapRecords = map[string]map[string]bool{
	"Account":      {},
	"Stakeholder":  {},
	"Relationship": {"user": true, "stakeholder": true},
	"User":         {},
}

// askedNow are the fields of the map's types whose value depends on when
// they are asked, not on the map: a kept answer would give an old one.
var askedNow = map[string]bool{"OrgMap.pictureURL": true}

func fieldFromMap(f *ast.Field) bool {
	if f.Name == "__typename" {
		return true
	}
	if f.ObjectDefinition == nil || f.Definition == nil || askedNow[f.ObjectDefinition.Name+"."+f.Name] {
		return false
	}
	parent := f.ObjectDefinition
	if links, ok := mapRecords[parent.Name]; ok {
		if len(f.SelectionSet) == 0 {
			return true // a stored field: ent's leaves are columns
		}
		return links[f.Name] && fromMapOnly(f.SelectionSet)
	}
	return fromOrgmap(parent) && fromMapOnly(f.SelectionSet)
}

// fromOrgmap reports whether the type's Go model is in package orgmap.
func fromOrgmap(def *ast.Definition) bool {
	model := def.Directives.ForName("goModel")
	if model == nil {
		return false
	}
	v := model.Arguments.ForName("model")
	return v != nil && v.Value != nil && strings.HasPrefix(v.Value.Raw, "github.com/accountplan/accountplan/graph/orgmap.")
}
