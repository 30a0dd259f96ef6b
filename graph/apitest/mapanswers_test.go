package apitest

import (
	"context"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// mapQuestions ask for everything a map shows, from the map alone (the
// answers a server keeps whole) and with a path through it.
var mapQuestions = []string{
	`query($acc: ID!) { orgMap(accountID: $acc) { account { name }
		nodes { id managerID depth directReportCount indirectReportCount keyPlayer influenceScore influenceRank
			stakeholder { name title support version } relationships { currentLevel user { name } stakeholder { name } } }
		edges { kind fromID toID strength influenceEdgeID }
		hiddenInfluencers { node { id } reason } keyPlayersNotSupporting { node { id } reason } uncoveredKeyPlayers { node { id } reason }
		decisionMakersWithoutSupportivePath { node { id } reason } singleThreading { singleThreaded reasons }
		health { grade reasons } influenceRanking { node { id } reason } dot mermaid } }`,
	`query($acc: ID!) { decisionMakerPaths(accountID: $acc) { stakeholder { name }
		path { status warmth hops { stakeholder { name } via { kind strength } } relationship { user { name } } } } }`,
	`query($from: ID!, $to: ID!) { influencePath(fromID: $from, toID: $to) { status message warmth hops { stakeholder { name } warmth } } }`,
}

// TestKeptMapsFollowChanges changes every kind of record a map shows, through
// the API and around it, and after each change compares what a server that
// keeps maps answers with what one that keeps none answers, on one database.
func TestKeptMapsFollowChanges(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		acc, ids := boardroom(t, e, "Boardroom")
		maya := e.client.User.Query().Where(user.Name("Maya")).OnlyIDX(ctx)
		ruth := e.client.User.Query().Where(user.Name("Ruth")).OnlyIDX(ctx)
		srv := httptest.NewServer(httpedge.NewHandler(e.driver, withoutMapCache(testSettings())))
		t.Cleanup(srv.Close)
		fresh := *e
		fresh.url = srv.URL + "/query"
		vars := map[string]any{"acc": gid(acc), "from": gid(ids["Finn"]), "to": gid(ids["Hal"])}
		compare := func(after string) {
			t.Helper()
			for _, q := range mapQuestions {
				kept, read := e.must(q, vars), fresh.must(q, vars)
				if !reflect.DeepEqual(kept, read) {
					t.Fatalf("after %s, the kept map answers\n%v\nand the map read anew\n%v", after, kept, read)
				}
			}
		}
		compare("nothing")
		var created string
		createdID := func(d map[string]any, field string) { created = get(d, field, "id").(string) }
		for _, c := range []struct {
			what  string
			query string
			vars  func() map[string]any
			then  func(map[string]any)
		}{
			{"a title", `mutation($id: ID!) { updateStakeholder(id: $id, input: {title: "Chief of Staff"}) { id } }`,
				func() map[string]any { return map[string]any{"id": gid(ids["Cleo"])} }, nil},
			{"support", `mutation($id: ID!) { updateStakeholder(id: $id, input: {support: ENEMY}) { id } }`,
				func() map[string]any { return map[string]any{"id": gid(ids["Finn"])} }, nil},
			{"a new stakeholder", `mutation($acc: ID!, $boss: ID!) { createStakeholder(input: {name: "Ivy", accountID: $acc, reportsToID: $boss, support: MENTOR}) { id } }`,
				func() map[string]any { return map[string]any{"acc": gid(acc), "boss": gid(ids["Gus"])} }, nil},
			{"a new influence edge", `mutation($from: ID!, $to: ID!) { createInfluenceEdge(input: {fromID: $from, toID: $to, kind: INFLUENCES, strength: 5}) { id } }`,
				func() map[string]any { return map[string]any{"from": gid(ids["Finn"]), "to": gid(ids["Hal"])} },
				func(d map[string]any) { createdID(d, "createInfluenceEdge") }},
			{"an influence edge's strength", `mutation($id: ID!) { updateInfluenceEdge(id: $id, input: {strength: 1}) { id } }`,
				func() map[string]any { return map[string]any{"id": created} }, nil},
			{"an influence edge deleted", `mutation($id: ID!) { deleteInfluenceEdge(id: $id) }`,
				func() map[string]any { return map[string]any{"id": created} }, nil},
			{"a new relationship", `mutation($user: ID!, $who: ID!) { createRelationship(input: {userID: $user, stakeholderID: $who, currentLevel: TRUSTED_ADVISOR}) { id } }`,
				func() map[string]any { return map[string]any{"user": gid(maya), "who": gid(ids["Gus"])} },
				func(d map[string]any) { createdID(d, "createRelationship") }},
			{"a relationship's level", `mutation($id: ID!) { updateRelationship(id: $id, input: {currentLevel: VENDOR}) { id } }`,
				func() map[string]any { return map[string]any{"id": created} }, nil},
			{"a user's name", `mutation($id: ID!) { updateUser(id: $id, input: {name: "Maya R."}) { id } }`,
				func() map[string]any { return map[string]any{"id": gid(maya)} }, nil},
			{"the account's name", `mutation($id: ID!) { updateAccount(id: $id, input: {name: "Boardroom Ltd"}) { id } }`,
				func() map[string]any { return map[string]any{"id": gid(acc)} }, nil},
			{"a move", `mutation($who: ID!, $boss: ID!) { moveStakeholders(input: {stakeholderIDs: [$who], managerID: $boss}) { manager { id } } }`,
				func() map[string]any { return map[string]any{"who": gid(ids["Eve"]), "boss": gid(ids["Ben"])} }, nil},
			{"a manager deleted", `mutation($id: ID!) { deleteStakeholder(id: $id) }`,
				func() map[string]any { return map[string]any{"id": gid(ids["Dev"])} }, nil},
			{"a relationship deleted", `mutation($id: ID!) { deleteRelationship(id: $id) }`,
				func() map[string]any { return map[string]any{"id": created} }, nil},
			{"someone we know deleted", `mutation($id: ID!) { deleteStakeholder(id: $id) }`,
				func() map[string]any { return map[string]any{"id": gid(ids["Eve"])} }, nil},
			{"a user deleted", `mutation($id: ID!) { deleteUser(id: $id) }`,
				func() map[string]any { return map[string]any{"id": gid(ruth)} }, nil},
		} {
			d := e.must(c.query, c.vars())
			if c.then != nil {
				c.then(d)
			}
			compare(c.what)
		}
		// The server's own writes, outside the API, move the version too.
		e.client.Stakeholder.UpdateOneID(ids["Ada"]).SetName("Ada L.").ExecX(ctx)
		compare("a write outside the API")
	})
}
