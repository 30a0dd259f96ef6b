package graph

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// pagesApart refuses a field whose records are asked under several names
// (a connection's edges or node twice, a to-one edge twice) with pages of
// one name but other arguments below them: entgql keeps a record's pages by
// their names alone, so that the resolvers would answer each with the same
// records. A connection's records are those of its nodes, an object's its own.
func pagesApart(f *ast.Field, connection bool, vars map[string]any) *gqlerror.Error {
	edgesTwice := func(e *ast.Field) bool { return twice(e.SelectionSet) }
	var records []ast.SelectionSet
	switch {
	case connection && (twice(f.SelectionSet) || slices.ContainsFunc(fieldsNamed(f.SelectionSet, "edges"), edgesTwice)):
		records = recordSets([]ast.SelectionSet{f.SelectionSet})
	case !connection && twice(f.SelectionSet):
		records = []ast.SelectionSet{f.SelectionSet}
	default:
		return nil // nothing asked twice here: what is, deeper, is checked where it is
	}
	if name, ok := samePages(records, vars); !ok {
		return clientError(CodeValidationFailed, fmt.Sprintf("%s: records below it are asked under several names, and %s below them names pages with other arguments: give those pages different names", f.Alias, name), "")
	}
	return nil
}

// twice tells a selection set that asks a field with a selection of its own under two names.
func twice(set ast.SelectionSet) bool {
	var asked []*ast.Field
	for _, f := range fieldsNamed(set, "") {
		if f.SelectionSet == nil {
			continue
		}
		if slices.ContainsFunc(asked, func(a *ast.Field) bool { return a.Name == f.Name && a.Alias != f.Alias }) {
			return true
		}
		asked = append(asked, f)
	}
	return false
}

// recordSets is what the selections of connections ask of their records: each node's selection.
func recordSets(conns []ast.SelectionSet) []ast.SelectionSet {
	var out []ast.SelectionSet
	for _, conn := range conns {
		for _, edges := range fieldsNamed(conn, "edges") {
			for _, node := range fieldsNamed(edges.SelectionSet, "node") {
				out = append(out, node.SelectionSet)
			}
		}
	}
	return out
}

// samePages tells whether selections of the same records agree on the pages
// they name alike, in those records and in the records they lead to; else
// the name that does not.
func samePages(records []ast.SelectionSet, vars map[string]any) (string, bool) {
	// Keyed by the record's type too: fragments on two types never read the same record.
	pages := map[string]string{}
	conns := map[string][]ast.SelectionSet{} // by the page's name, which keys it
	ones := map[string][]ast.SelectionSet{}  // by the field's name: a to-one edge's records are read once
	for _, set := range records {
		for _, f := range fieldsNamed(set, "") {
			typ := f.ObjectDefinition.Name + "."
			switch {
			case strings.HasSuffix(f.Definition.Type.Name(), "Connection"):
				page := f.Name + fmt.Sprint(f.ArgumentMap(vars))
				if seen, ok := pages[typ+f.Alias]; ok && seen != page {
					return f.Alias, false
				}
				pages[typ+f.Alias] = page
				conns[typ+f.Alias] = append(conns[typ+f.Alias], f.SelectionSet)
			case f.SelectionSet != nil:
				ones[typ+f.Name] = append(ones[typ+f.Name], f.SelectionSet)
			}
		}
	}
	for _, sets := range conns {
		if below := recordSets(sets); len(below) > 1 {
			if name, ok := samePages(below, vars); !ok {
				return name, false
			}
		}
	}
	for _, sets := range ones {
		if len(sets) > 1 {
			if name, ok := samePages(sets, vars); !ok {
				return name, false
			}
		}
	}
	return "", true
}

// fieldsNamed is the fields of a selection set of that name (any, for ""), its fragments' included.
func fieldsNamed(set ast.SelectionSet, name string) []*ast.Field {
	var out []*ast.Field
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			if name == "" || s.Name == name {
				out = append(out, s)
			}
		case *ast.InlineFragment:
			out = append(out, fieldsNamed(s.SelectionSet, name)...)
		case *ast.FragmentSpread:
			out = append(out, fieldsNamed(s.Definition.SelectionSet, name)...)
		}
	}
	return out
}
