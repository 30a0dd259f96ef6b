package apitest

import (
	"strings"
	"testing"
)

// The objects of a list share their collected fields, field sets and
// contexts (graph/execgen): the answers, byte for byte, still follow each
// object's type, the variables of @skip and @include, aliases, __typename,
// and errors keep the path of their list element.
func TestSelectionsPerObject(t *testing.T) {
	t.Parallel()
	lists := `query($tier: Boolean!, $skipName: Boolean!) { accounts(first: 3, orderBy: [{field: NAME}]) { __typename edges { node {
		__typename label: name name @skip(if: $skipName) tier @include(if: $tier) again: tier @include(if: $tier)
		plans(first: 2) { edges { node { name status } } } active: plans(first: 1, where: {status: ACTIVE}) { totalCount } } } } }`
	cases := []struct {
		name  string
		query string
		vars  func(ids map[string]string) map[string]any
		want  string
	}{
		{"aliases, __typename and @include", lists,
			func(map[string]string) map[string]any { return map[string]any{"tier": true, "skipName": false} },
			`{"data":{"accounts":{"__typename":"AccountConnection","edges":[` +
				`{"node":{"__typename":"Account","label":"Acme Corp","name":"Acme Corp","tier":"STRATEGIC","again":"STRATEGIC","plans":{"edges":[{"node":{"name":"Acme Corp plan 0","status":"ACTIVE"}}]},"active":{"totalCount":1}}},` +
				`{"node":{"__typename":"Account","label":"Globex","name":"Globex","tier":"STRATEGIC","again":"STRATEGIC","plans":{"edges":[{"node":{"name":"Globex plan 0","status":"DRAFT"}}]},"active":{"totalCount":0}}},` +
				`{"node":{"__typename":"Account","label":"Hooli","name":"Hooli","tier":"GENERAL","again":"GENERAL","plans":{"edges":[]},"active":{"totalCount":0}}}]}}}`},
		{"the same document, other variables", lists,
			func(map[string]string) map[string]any { return map[string]any{"tier": false, "skipName": true} },
			`{"data":{"accounts":{"__typename":"AccountConnection","edges":[` +
				`{"node":{"__typename":"Account","label":"Acme Corp","plans":{"edges":[{"node":{"name":"Acme Corp plan 0","status":"ACTIVE"}}]},"active":{"totalCount":1}}},` +
				`{"node":{"__typename":"Account","label":"Globex","plans":{"edges":[{"node":{"name":"Globex plan 0","status":"DRAFT"}}]},"active":{"totalCount":0}}},` +
				`{"node":{"__typename":"Account","label":"Hooli","plans":{"edges":[]},"active":{"totalCount":0}}}]}}}`},
		{"one to-one edge under two aliases with different fields",
			`{ accounts(first: 2, orderBy: [{field: NAME}]) { edges { node { plans(first: 1) { edges { node { name
				owner: account { name } tiered: account { tier id } again: account { name } } } } } } } }`,
			func(map[string]string) map[string]any { return nil },
			`{"data":{"accounts":{"edges":[` +
				`{"node":{"plans":{"edges":[{"node":{"name":"Acme Corp plan 0","owner":{"name":"Acme Corp"},"tiered":{"tier":"STRATEGIC","id":"{Acme Corp}"},"again":{"name":"Acme Corp"}}}]}}},` +
				`{"node":{"plans":{"edges":[{"node":{"name":"Globex plan 0","owner":{"name":"Globex"},"tiered":{"tier":"STRATEGIC","id":"{Globex}"},"again":{"name":"Globex"}}}]}}}]}}}`},
		{"type conditions on an interface in a list",
			`query($ids: [ID!]!) { nodes(ids: $ids) { __typename ...named ... on Stakeholder { name influence } ... on Node { id } } }
			fragment named on Account { name tier }`,
			func(ids map[string]string) map[string]any {
				return map[string]any{"ids": []string{ids["Acme Corp"], ids["Ben Ortiz"], ids["Globex"], ids["Gus Lee"]}}
			},
			`{"data":{"nodes":[{"__typename":"Account","name":"Acme Corp","tier":"STRATEGIC","id":"{Acme Corp}"},` +
				`{"__typename":"Stakeholder","name":"Ben Ortiz","influence":5,"id":"{Ben Ortiz}"},` +
				`{"__typename":"Account","name":"Globex","tier":"STRATEGIC","id":"{Globex}"},` +
				`{"__typename":"Stakeholder","name":"Gus Lee","influence":2,"id":"{Gus Lee}"}]}}`},
		{"an error in each element of a list keeps the element's path",
			`{ accounts(first: 2, orderBy: [{field: NAME}]) { edges { node { name activity(first: -1) { totalCount } } } } }`,
			func(map[string]string) map[string]any { return nil },
			`{"errors":[{"message":"` + "`first`" + ` on a connection cannot be less than zero.","path":["accounts","edges",0,"node","activity"],"locations":[{"line":1,"column":70}],"extensions":{"code":"BAD_USER_INPUT","field":"first"}},` +
				`{"message":"` + "`first`" + ` on a connection cannot be less than zero.","path":["accounts","edges",1,"node","activity"],"locations":[{"line":1,"column":70}],"extensions":{"code":"BAD_USER_INPUT","field":"first"}}],` +
				`"data":{"accounts":{"edges":[{"node":null},{"node":null}]}}}`},
	}
	eachDatabase(t, func(t *testing.T, e *env) {
		ids := accountBook(t, e)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				e := e.forSubtest(t)
				want := tc.want
				for name, id := range ids {
					want = strings.ReplaceAll(want, "{"+name+"}", id)
				}
				if r := e.send("application/json", "", gqlBody(tc.query, tc.vars(ids))); string(r.body) != want {
					t.Errorf("answer\n%s\nwant\n%s", r.body, want)
				}
			})
		}
	})
}
