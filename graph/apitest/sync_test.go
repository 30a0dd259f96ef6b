package apitest

// Syncing with a CRM: bulk upserts keyed by external IDs, whose rows name
// each other by natural keys in any order, and the change feed that leaves
// out a sync's own writes.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/feedback"
	"github.com/accountplan/accountplan/ent/relationship"
	"github.com/accountplan/accountplan/ent/schema/totals"
	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph"
	"github.com/accountplan/accountplan/graph/httpedge"
)

const upsertStakeholders = `mutation($rows: [StakeholderUpsertInput!]!, $mode: UpsertMode!) {
	upsertStakeholders(input: $rows, mode: $mode) { created updated unchanged failed
		results { index externalID id outcome error { code field message } } } }`

const upsertEdges = `mutation($rows: [InfluenceEdgeUpsertInput!]!) {
	upsertInfluenceEdges(input: $rows) { created updated unchanged failed } }`

const upsertAccounts = `mutation($rows: [AccountUpsertInput!]!) {
	upsertAccounts(input: $rows) { created updated unchanged results { id outcome } } }`

// syncEnv is a server with tokens: an admin's for the CRM sync.
func syncEnv(t *testing.T, e *env) *env {
	t.Helper()
	return e.as(newToken(t, e, newUser(t, e, "sync"), user.RoleADMIN, false))
}

// orgRows are n stakeholders of account acc in a tree three levels deep
// (a chief, up to 5 managers, everyone else under a manager), shuffled so
// that reports often come before their managers.
func orgRows(acc string, n int, seed uint64) []map[string]any {
	rows := make([]map[string]any, n)
	for i := range rows {
		r := map[string]any{"externalID": fmt.Sprintf("%s-p%d", acc, i), "accountExternalID": acc,
			"name": fmt.Sprintf("Person %d", i), "rank": 1 + i%5, "support": "NEUTRAL"}
		switch {
		case i == 0:
		case i <= 5:
			r["reportsToExternalID"] = acc + "-p0"
		default:
			r["reportsToExternalID"] = fmt.Sprintf("%s-p%d", acc, 1+i%5)
		}
		rows[i] = r
	}
	rand.New(rand.NewPCG(seed, 1)).Shuffle(n, func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	return rows
}

// edgeRows are n (at most 3 × people) influence edges between the stakeholders of orgRows.
func edgeRows(acc string, people, n int) []map[string]any {
	rows := make([]map[string]any, n)
	for i := range rows {
		from, to := i%people, (i*7+1)%people
		if from == to {
			to = (to + 1) % people
		}
		kind := []string{"INFLUENCES", "INFORMAL", "CONFLICTS_WITH"}[i/people%3]
		rows[i] = map[string]any{"externalID": fmt.Sprintf("%s-e%d", acc, i), "kind": kind, "strength": 1 + i%5,
			"fromExternalID": fmt.Sprintf("%s-p%d", acc, from), "toExternalID": fmt.Sprintf("%s-p%d", acc, to)}
	}
	return rows
}

func outcomes(d map[string]any, field string) map[string]int {
	out := map[string]int{}
	for _, r := range get(d, field, "results").([]any) {
		out[get(r, "outcome").(string)]++
	}
	return out
}

func TestUpsertImportTwice(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		s := syncEnv(t, e)
		owner := newUser(t, e, "olivia")
		accounts := s.must(upsertAccounts, map[string]any{"rows": []map[string]any{
			{"externalID": "acme", "name": "Acme", "ownerEmail": "olivia@example.com", "tier": "STRATEGIC"},
			{"externalID": "globex", "name": "Globex"},
		}})
		if got := get(accounts, "upsertAccounts", "created"); got != float64(2) {
			t.Fatalf("accounts created: %v", accounts)
		}
		acme := e.client.Account.Query().Where(account.ExternalID("acme")).OnlyX(ctx)
		if acme.OwnerID == nil || *acme.OwnerID != owner {
			t.Errorf("ownerEmail did not set the owner: %v", acme.OwnerID)
		}

		// Each import costs the same statements whatever its size: first import and replay.
		var first, replay [2]int64
		for k, n := range []int{30, 120} {
			acc := []string{"acme", "globex"}[k]
			people, edges := orgRows(acc, n, uint64(n)), edgeRows(acc, n, 2*n)
			var d map[string]any
			first[k] = s.count(func() { d = s.must(upsertStakeholders, map[string]any{"rows": people, "mode": "ATOMIC"}) })
			if got := outcomes(d, "upsertStakeholders"); got["CREATED"] != n {
				t.Fatalf("first import of %d: %v", n, got)
			}
			if got := get(s.must(upsertEdges, map[string]any{"rows": edges}), "upsertInfluenceEdges", "created"); got != float64(2*n) {
				t.Fatalf("edges created: %v", got)
			}
			changes := e.client.Change.Query().CountX(ctx)
			before := e.client.Account.Query().Where(account.ExternalID(acc)).OnlyX(ctx)
			rand.Shuffle(n, func(i, j int) { people[i], people[j] = people[j], people[i] })
			replay[k] = s.count(func() { d = s.must(upsertStakeholders, map[string]any{"rows": people, "mode": "ATOMIC"}) })
			if got := outcomes(d, "upsertStakeholders"); got["UNCHANGED"] != n {
				t.Errorf("replay of %d: %v", n, got)
			}
			if got := get(s.must(upsertEdges, map[string]any{"rows": edges}), "upsertInfluenceEdges", "unchanged"); got != float64(2*n) {
				t.Errorf("edges replayed: %v unchanged", got)
			}
			if after := e.client.Change.Query().CountX(ctx); after != changes {
				t.Errorf("the replay wrote %d history entries", after-changes)
			}
			after := e.client.Account.Query().Where(account.ExternalID(acc)).OnlyX(ctx)
			if after.MapVersion != before.MapVersion {
				t.Errorf("the replay moved the map version from %d to %d", before.MapVersion, after.MapVersion)
			}
		}
		// The reporting lines are the ones sent.
		org := s.must(`{ stakeholders(first: 1, where: {externalID: "globex-p17"}) { edges { node { version reportsTo { externalID } account { externalID } } } } }`, nil)
		if got := get(org, "stakeholders", "edges", 0, "node"); !sameJSON(got, map[string]any{"version": 1, "reportsTo": map[string]any{"externalID": "globex-p3"}, "account": map[string]any{"externalID": "globex"}}) {
			t.Errorf("globex-p17: %v", got)
		}
		t.Logf("statements: first import %v, replay %v (30 and 120 rows)", first, replay)
		if first[0] != first[1] || replay[0] != replay[1] {
			t.Errorf("statements grow with rows: first import %v, replay %v", first, replay)
		}
		// The history of an imported record names the token that wrote it.
		c := e.client.Change.Query().Where(change.SubjectExternalID("acme-p3")).OnlyX(ctx)
		if c.OriginTokenName == nil || *c.OriginTokenName != "test" || c.OriginTokenID == nil {
			t.Errorf("origin of the import's change: %v %v", c.OriginTokenID, c.OriginTokenName)
		}
	})
}

// A CRM's whole org chart in one call: the most rows a call takes, every
// field filled, through the server's default limits (body size, timeout),
// then the same call again, shuffled, which writes nothing.
func TestUpsertLargestCallAtDefaultLimits(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{Limits: httpedge.Limits{RatePerSecond: new(0.0)}}, func(t *testing.T, e *env) {
		s := syncEnv(t, e)
		s.must(upsertAccounts, map[string]any{"rows": []map[string]any{{"externalID": "0015g00000Big01AAA", "name": "Big Co"}}})
		rows := orgRows("0015g00000Big01AAA", graph.MaxUpsertRows, 7)
		for i, r := range rows {
			for k, v := range map[string]any{"title": "Senior Director, Global Procurement", "department": "Procurement and Vendor Management",
				"email": fmt.Sprintf("person.%d@big-co.example.com", i), "influence": 1 + i%5, "politicalStatus": "OBSERVER",
				"decisionOrientation": "RELATIONSHIP", "adaptability": "PRAGMATIST", "buyingRole": "EVALUATOR", "coverage": "MULTIPLE_CONTACTS",
				"motivators": strings.Repeat("Cost savings and vendor consolidation. ", 3), "influenceDrivers": "Budget owner for tooling",
				"notes": strings.Repeat("Met at the QBR; prefers written summaries. ", 3), "sourceUpdatedAt": "2026-11-30T09:00:00Z"} {
				r[k] = v
			}
		}
		for _, want := range []string{"CREATED", "UNCHANGED"} {
			r := s.do(upsertStakeholders, map[string]any{"rows": rows, "mode": "ATOMIC"})
			if r.Status != 200 || len(r.Errors) > 0 {
				t.Fatalf("HTTP %d: %+v", r.Status, r.Errors)
			}
			if got := outcomes(r.Data, "upsertStakeholders"); got[want] != len(rows) {
				t.Fatalf("want %d %s: %v", len(rows), want, got)
			}
			rand.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		}
	})
}

func TestUpsertUpdatesAndSourceTime(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		s := syncEnv(t, e)
		s.must(upsertAccounts, map[string]any{"rows": []map[string]any{{"externalID": "acme", "name": "Acme"}}})
		rows := orgRows("acme", 8, 1)
		s.must(upsertStakeholders, map[string]any{"rows": rows, "mode": "ATOMIC"})
		// A changed title updates one row; a source older than the last change here keeps the record.
		d := s.must(upsertStakeholders, map[string]any{"mode": "ATOMIC", "rows": []map[string]any{
			{"externalID": "acme-p1", "accountExternalID": "acme", "name": "Person 1", "title": "CFO"},
			{"externalID": "acme-p2", "accountExternalID": "acme", "name": "Renamed", "sourceUpdatedAt": "2001-01-01T00:00:00Z"},
			{"externalID": "acme-p3", "accountExternalID": "acme", "name": "Person 3"},
		}})
		want := []any{"UPDATED", "KEPT_NEWER", "UNCHANGED"}
		for i, w := range want {
			if got := get(d, "upsertStakeholders", "results", i, "outcome"); got != w {
				t.Errorf("row %d: %v, want %v", i, got, w)
			}
		}
		node := s.must(`{ stakeholders(first: 1, where: {externalID: "acme-p1"}) { edges { node { title version history(first: 5) { totalCount } } } } }`, nil)
		if got := get(node, "stakeholders", "edges", 0, "node"); !sameJSON(got, map[string]any{"title": "CFO", "version": 2, "history": map[string]any{"totalCount": 2}}) {
			t.Errorf("after the update: %v", got)
		}
		// A stakeholder never moves to another account.
		s.must(upsertAccounts, map[string]any{"rows": []map[string]any{{"externalID": "globex", "name": "Globex"}}})
		code, field := s.code(upsertStakeholders, map[string]any{"mode": "ATOMIC", "rows": []map[string]any{
			{"externalID": "acme-p1", "accountExternalID": "globex", "name": "Person 1"}}})
		if code != "BAD_USER_INPUT" || field != "accountExternalID" {
			t.Errorf("moving a stakeholder: %s %s", code, field)
		}
	})
}

func TestUpsertCycleRefused(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		s := syncEnv(t, e)
		s.must(upsertAccounts, map[string]any{"rows": []map[string]any{{"externalID": "acme", "name": "Acme"}}})
		row := func(id, manager string) map[string]any {
			return map[string]any{"externalID": id, "accountExternalID": "acme", "name": id, "reportsToExternalID": manager}
		}
		rows := []map[string]any{row("ok", "a"), row("a", "b"), row("b", "c"), row("c", "a"), {"externalID": "free", "accountExternalID": "acme", "name": "free"}}
		r := s.do(upsertStakeholders, map[string]any{"rows": rows, "mode": "ATOMIC"})
		if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || r.Errors[0].Extensions["index"] == nil {
			t.Fatalf("a cycle in ATOMIC mode: %+v", r.Errors)
		}
		if n := e.client.Stakeholder.Query().CountX(ctx); n != 0 {
			t.Errorf("a refused call wrote %d stakeholders", n)
		}
		d := s.must(upsertStakeholders, map[string]any{"rows": rows, "mode": "PER_ROW"})
		want := []string{"FAILED", "FAILED", "FAILED", "FAILED", "CREATED"}
		for i, w := range want {
			res := get(d, "upsertStakeholders", "results", i)
			if get(res, "outcome") != w {
				t.Errorf("row %d: %v, want %s", i, res, w)
			}
			if w == "FAILED" && get(res, "error", "code") != "BAD_USER_INPUT" {
				t.Errorf("row %d: %v", i, res)
			}
		}
	})
}

func TestUpsertPerRowErrors(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		s := syncEnv(t, e)
		s.must(upsertAccounts, map[string]any{"rows": []map[string]any{{"externalID": "acme", "name": "Acme"}}})
		rows := []map[string]any{
			{"externalID": "p0", "accountExternalID": "acme", "name": "Fine"},
			{"externalID": "p1", "accountExternalID": "nowhere", "name": "No account"},
			{"externalID": "p2", "accountExternalID": "acme", "name": "Too senior", "rank": 9},
			{"externalID": "p3", "accountExternalID": "acme", "name": "Reports to a refused row", "reportsToExternalID": "p2"},
			{"externalID": "p0", "accountExternalID": "acme", "name": "Twice"},
			{"externalID": "p5", "accountExternalID": "acme", "name": "Fine too", "reportsToExternalID": "p0"},
		}
		code, _ := s.code(upsertStakeholders, map[string]any{"rows": rows, "mode": "ATOMIC"})
		if code != "BAD_USER_INPUT" {
			t.Errorf("ATOMIC with refused rows: %s", code)
		}
		if n := e.client.Stakeholder.Query().CountX(ctx); n != 0 {
			t.Errorf("a refused call wrote %d stakeholders", n)
		}
		d := s.must(upsertStakeholders, map[string]any{"rows": rows, "mode": "PER_ROW"})
		want := []struct{ outcome, code, field string }{
			{"CREATED", "", ""},
			{"FAILED", "BAD_USER_INPUT", "accountExternalID"},
			{"FAILED", "BAD_USER_INPUT", "rank"},
			{"FAILED", "BAD_USER_INPUT", "reportsToExternalID"},
			{"FAILED", "BAD_USER_INPUT", "externalID"},
			{"CREATED", "", ""},
		}
		for i, w := range want {
			res := get(d, "upsertStakeholders", "results", i)
			code, _ := get(res, "error", "code").(string)
			field, _ := get(res, "error", "field").(string)
			if get(res, "outcome") != w.outcome || code != w.code || field != w.field {
				t.Errorf("row %d: %v, want %+v", i, res, w)
			}
		}
		if n := e.client.Stakeholder.Query().CountX(ctx); n != 2 {
			t.Errorf("%d stakeholders written, want 2", n)
		}
	})
}

func TestUpsertConcurrentSameExternalID(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		s := syncEnv(t, e)
		s.must(upsertAccounts, map[string]any{"rows": []map[string]any{{"externalID": "acme", "name": "Acme"}}})
		for trial := range raceTrials {
			id := fmt.Sprintf("p%d", trial)
			req := func(name string) raceRequest {
				return raceRequest{upsertStakeholders, map[string]any{"mode": "ATOMIC", "rows": []map[string]any{
					{"externalID": id, "accountExternalID": "acme", "name": name}}}}
			}
			got := map[string]int{}
			for _, r := range s.race(req("First"), req("Second")) {
				if len(r.Errors) > 0 {
					t.Fatalf("trial %d: %+v", trial, r.Errors)
				}
				got[get(r.Data, "upsertStakeholders", "results", 0, "outcome").(string)]++
			}
			if got["CREATED"] != 1 || got["UPDATED"] != 1 {
				t.Errorf("trial %d: %v, want one CREATED and one UPDATED", trial, got)
			}
		}
	})
}

func TestChangeFeedExcludesOwnToken(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		s := syncEnv(t, e)
		human := e.as(newToken(t, e, newUser(t, e, "hugo"), user.RoleADMIN, false))
		s.must(upsertAccounts, map[string]any{"rows": []map[string]any{{"externalID": "acme", "name": "Acme"}}})
		d := s.must(upsertStakeholders, map[string]any{"rows": orgRows("acme", 3, 2), "mode": "ATOMIC"})
		const feed = `query($after: Cursor) { changeFeed(first: 100, after: $after, excludeOwnToken: true) {
			edges { node { operation subjectType subjectExternalID originTokenName } } pageInfo { endCursor } } }`
		page := s.must(feed, nil)
		if edges := get(page, "changeFeed", "edges").([]any); len(edges) != 0 {
			t.Fatalf("the sync reads its own writes: %v", edges)
		}
		cursor := get(page, "changeFeed", "pageInfo", "endCursor")
		var ids []string
		for _, r := range get(d, "upsertStakeholders", "results").([]any) {
			ids = append(ids, get(r, "id").(string))
		}
		human.must(`mutation($id: ID!) { updateStakeholder(id: $id, input: {title: "CEO"}) { id } }`, map[string]any{"id": ids[0]})
		human.must(`mutation($id: ID!) { deleteStakeholder(id: $id) }`, map[string]any{"id": ids[1]})
		page = s.must(feed, nil)
		got := get(page, "changeFeed", "edges").([]any)
		// The delete also moves the deleted person's reports up: every change is hugo's.
		if len(got) < 2 || get(got, 0, "node", "operation") != "UPDATE" {
			t.Fatalf("the feed: %v", got)
		}
		var deleted bool
		for _, c := range got {
			if get(c, "node", "originTokenName") != "test" {
				t.Errorf("a change without its token's name: %v", c)
			}
			if get(c, "node", "operation") == "DELETE" {
				deleted = get(c, "node", "subjectExternalID") != nil
			}
		}
		if !deleted {
			t.Errorf("the delete has no external ID: %v", got)
		}
		// Resuming from the cursor read before hugo's changes gives the same changes.
		again := s.must(feed, map[string]any{"after": cursor})
		if !sameJSON(get(again, "changeFeed", "edges"), got) {
			t.Errorf("resumed: %v, want %v", get(again, "changeFeed", "edges"), got)
		}
		// Without excludeOwnToken the sync sees its own writes too.
		all := s.must(`{ changeFeed(first: 100) { edges { node { id } } } }`, nil)
		if n := len(get(all, "changeFeed", "edges").([]any)); n <= len(got) {
			t.Errorf("the whole feed has %d changes", n)
		}
	})
}

// Deals change the metric totals: an upsert takes each account out of them
// and puts it back once per call, whatever the number of deals.
func TestUpsertOpportunitiesStatements(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		s := syncEnv(t, e)
		s.must(upsertAccounts, map[string]any{"rows": []map[string]any{{"externalID": "acme", "name": "Acme"}, {"externalID": "globex", "name": "Globex"}}})
		const q = `mutation($rows: [OpportunityUpsertInput!]!) { upsertOpportunities(input: $rows) { created updated unchanged } }`
		deals := func(from, n int) []map[string]any {
			rows := make([]map[string]any, n)
			for i := range rows {
				rows[i] = map[string]any{"externalID": fmt.Sprint("d", from+i), "accountExternalID": []string{"acme", "globex"}[i%2],
					"name": fmt.Sprint("Deal ", i), "amount": 1000 * (i + 1), "stage": "CLOSED_WON",
					"openedAt": "2026-01-02T00:00:00Z", "closedAt": "2026-03-04T00:00:00Z"}
			}
			return rows
		}
		var d map[string]any
		// The first deals put the accounts into the totals: later calls take them out first.
		s.must(q, map[string]any{"rows": deals(200, 2)})
		small := s.count(func() { d = s.must(q, map[string]any{"rows": deals(0, 6)}) })
		large := s.count(func() { d = s.must(q, map[string]any{"rows": deals(100, 40)}) })
		if get(d, "upsertOpportunities", "created") != float64(40) {
			t.Fatalf("created: %v", d)
		}
		t.Logf("statements: %d for 6 deals, %d for 40", small, large)
		if small != large {
			t.Errorf("statements grow with rows: %d for 6 deals, %d for 40", small, large)
		}
	})
}

func TestUpsertProductsAndRevenueRecords(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		s := syncEnv(t, e)
		s.must(upsertAccounts, map[string]any{"rows": []map[string]any{{"externalID": "acme", "name": "Acme"}}})
		products := `mutation($rows: [ProductUpsertInput!]!) { upsertProducts(input: $rows, mode: PER_ROW) { results { outcome error { code } } } }`
		rows := map[string]any{"rows": []map[string]any{{"externalID": "p1", "name": "Insight", "family": "Analytics"}, {"externalID": "p2", "name": "Insight"}}}
		d := s.must(products, rows)
		if got := get(d, "upsertProducts", "results"); !sameJSON(got, []any{map[string]any{"outcome": "CREATED", "error": nil}, map[string]any{"outcome": "FAILED", "error": map[string]any{"code": "CONFLICT"}}}) {
			t.Errorf("products: %v", got)
		}
		revenue := `mutation($rows: [RevenueRecordUpsertInput!]!) { upsertRevenueRecords(input: $rows) { created updated unchanged } }`
		r := map[string]any{"rows": []map[string]any{{"externalID": "r1", "accountExternalID": "acme", "periodStart": "2026-01-01T00:00:00Z", "periodEnd": "2026-03-31T00:00:00Z", "startingRevenue": 100000, "expansion": 5000}}}
		for _, want := range []string{"created", "unchanged"} {
			if got := get(s.must(revenue, r), "upsertRevenueRecords", want); got != float64(1) {
				t.Errorf("revenue records %s: %v", want, got)
			}
		}
	})
}

// A read-only token may not upsert, even rows that would change nothing.
func TestUpsertReadOnlyRefused(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		s := syncEnv(t, e)
		rows := map[string]any{"rows": []map[string]any{{"externalID": "acme", "name": "Acme"}}}
		s.must(upsertAccounts, rows)
		reader := e.as(newToken(t, e, newUser(t, e, "rita"), user.RoleADMIN, true))
		if code, _ := reader.code(upsertAccounts, rows); code != "FORBIDDEN" {
			t.Errorf("a read-only token's replay: %s, want FORBIDDEN", code)
		}
	})
}

// Relationships, business units, feedback, plans and action items: each
// imported twice, the second time all UNCHANGED with no history written and
// the map kept.
func TestUpsertLinkedRecords(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		s := syncEnv(t, e)
		olivia := newUser(t, e, "olivia")
		newUser(t, e, "omar")
		s.must(upsertAccounts, map[string]any{"rows": []map[string]any{{"externalID": "acme", "name": "Acme"}}})
		s.must(upsertStakeholders, map[string]any{"rows": orgRows("acme", 6, 1), "mode": "ATOMIC"})
		imports := []struct {
			field, input string
			rows         []map[string]any
		}{
			{"upsertRelationships", "RelationshipUpsertInput", []map[string]any{
				{"externalID": "r1", "stakeholderExternalID": "acme-p0", "userEmail": "olivia@example.com", "currentLevel": "TRUSTED_ADVISOR", "lastContactAt": "2026-05-01T10:00:00Z"},
				{"externalID": "r2", "stakeholderExternalID": "acme-p1", "userEmail": "omar@example.com", "desiredLevel": "PROBLEM_SOLVER", "note": "Met at the fair"},
			}},
			{"upsertBusinessUnits", "BusinessUnitUpsertInput", []map[string]any{
				{"externalID": "bu1", "accountExternalID": "acme", "name": "Retail", "description": "Stores"},
				{"externalID": "bu2", "accountExternalID": "acme", "name": "Wholesale"},
			}},
			{"upsertFeedback", "FeedbackUpsertInput", []map[string]any{
				{"externalID": "f1", "accountExternalID": "acme", "stakeholderExternalID": "acme-p2", "kind": "PROJECT_SURVEY", "score": 8, "text": "Good rollout", "receivedAt": "2026-04-01T00:00:00Z"},
				{"externalID": "f2", "accountExternalID": "acme", "kind": "AD_HOC"},
			}},
			{"upsertAccountPlans", "AccountPlanUpsertInput", []map[string]any{
				{"externalID": "plan1", "accountExternalID": "acme", "name": "FY27 Expansion", "status": "ACTIVE", "ownerEmail": "olivia@example.com",
					"periodStart": "2026-01-01T00:00:00Z", "periodEnd": "2026-12-31T00:00:00Z", "competitors": "Initech"},
				{"externalID": "plan2", "accountExternalID": "acme", "name": "FY28", "periodStart": "2027-01-01T00:00:00Z", "periodEnd": "2027-12-31T00:00:00Z"},
			}},
			// Items name plans of the call before, owners by e-mail or external ID; DONE without completedAt is done now, once.
			{"upsertActionItems", "ActionItemUpsertInput", []map[string]any{
				{"externalID": "a1", "planExternalID": "plan1", "title": "Call the CFO", "ownerEmail": "omar@example.com", "dueAt": "2026-06-01T00:00:00Z"},
				{"externalID": "a2", "planExternalID": "plan2", "title": "Joint workshop", "stakeholderOwnerExternalID": "acme-p3", "status": "DONE"},
			}},
		}
		for _, imp := range imports {
			q := fmt.Sprintf(`mutation($rows: [%s!]!) { %s(input: $rows) { created updated unchanged failed } }`, imp.input, imp.field)
			if got := get(s.must(q, map[string]any{"rows": imp.rows}), imp.field); !sameJSON(got, map[string]any{"created": 2, "updated": 0, "unchanged": 0, "failed": 0}) {
				t.Fatalf("%s first import: %v", imp.field, got)
			}
			changes := e.client.Change.Query().CountX(ctx)
			before := e.client.Account.Query().Where(account.ExternalID("acme")).OnlyX(ctx).MapVersion
			if got := get(s.must(q, map[string]any{"rows": imp.rows}), imp.field); !sameJSON(got, map[string]any{"created": 0, "updated": 0, "unchanged": 2, "failed": 0}) {
				t.Errorf("%s replay: %v", imp.field, got)
			}
			if after := e.client.Change.Query().CountX(ctx); after != changes {
				t.Errorf("%s replay wrote %d history entries", imp.field, after-changes)
			}
			if after := e.client.Account.Query().Where(account.ExternalID("acme")).OnlyX(ctx).MapVersion; after != before {
				t.Errorf("%s replay moved the map version from %d to %d", imp.field, before, after)
			}
		}
		r1 := e.client.Relationship.Query().Where(relationship.ExternalID("r1")).OnlyX(ctx)
		if r1.UserID != olivia || r1.CurrentLevel != relationship.CurrentLevelTRUSTED_ADVISOR {
			t.Errorf("r1: user %d level %s", r1.UserID, r1.CurrentLevel)
		}
		f1 := e.client.Feedback.Query().Where(feedback.ExternalID("f1")).OnlyX(ctx)
		if f1.StakeholderID == nil || f1.Score == nil || *f1.Score != 8 {
			t.Errorf("f1: stakeholder %v score %v", f1.StakeholderID, f1.Score)
		}
		plan1 := e.client.AccountPlan.Query().Where(accountplan.ExternalID("plan1")).OnlyX(ctx)
		if plan1.OwnerID == nil || *plan1.OwnerID != olivia || plan1.Status != accountplan.StatusACTIVE {
			t.Errorf("plan1: owner %v status %s", plan1.OwnerID, plan1.Status)
		}
		a2 := e.client.ActionItem.Query().Where(actionitem.ExternalID("a2")).OnlyX(ctx)
		if a2.StakeholderOwnerID == nil || a2.CompletedAt == nil {
			t.Errorf("a2: stakeholder owner %v completed %v", a2.StakeholderOwnerID, a2.CompletedAt)
		}

		// A change updates; a relationship never moves to another user; a second one per user and stakeholder is a CONFLICT.
		q := `mutation($rows: [RelationshipUpsertInput!]!) { upsertRelationships(input: $rows, mode: PER_ROW) { results { outcome error { code field } } } }`
		d := s.must(q, map[string]any{"rows": []map[string]any{
			{"externalID": "r1", "stakeholderExternalID": "acme-p0", "userEmail": "olivia@example.com", "currentLevel": "PROBLEM_SOLVER"},
			{"externalID": "r2", "stakeholderExternalID": "acme-p1", "userEmail": "olivia@example.com"},
			{"externalID": "r3", "stakeholderExternalID": "acme-p0", "userEmail": "olivia@example.com"},
			{"externalID": "r4", "stakeholderExternalID": "acme-p0", "userEmail": "nobody@example.com"},
		}})
		want := []any{
			map[string]any{"outcome": "UPDATED", "error": nil},
			map[string]any{"outcome": "FAILED", "error": map[string]any{"code": "BAD_USER_INPUT", "field": "userEmail"}},
			map[string]any{"outcome": "FAILED", "error": map[string]any{"code": "CONFLICT", "field": "userID,stakeholderID"}},
			map[string]any{"outcome": "FAILED", "error": map[string]any{"code": "BAD_USER_INPUT", "field": "userEmail"}},
		}
		if got := get(d, "upsertRelationships", "results"); !sameJSON(got, want) {
			t.Errorf("relationship updates: %v", got)
		}
	})
}

const upsertActionItems = `mutation($rows: [ActionItemUpsertInput!]!, $mode: UpsertMode!) {
	upsertActionItems(input: $rows, mode: $mode) { created updated unchanged failed
		results { externalID outcome error { code field } } } }`

// Action items: a plan named by external ID or by our ID, the rules of a
// single create (one owner, an objective of the plan, a stakeholder of the
// plan's account), updates in the history, KEPT_NEWER, a plan kept, and
// statements that do not grow with the items.
func TestUpsertActionItems(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		s := syncEnv(t, e)
		newUser(t, e, "omar")
		s.must(upsertAccounts, map[string]any{"rows": []map[string]any{{"externalID": "acme", "name": "Acme"}, {"externalID": "globex", "name": "Globex"}}})
		s.must(upsertStakeholders, map[string]any{"rows": append(orgRows("acme", 4, 1), orgRows("globex", 2, 1)...), "mode": "ATOMIC"})
		plans := `mutation($rows: [AccountPlanUpsertInput!]!) { upsertAccountPlans(input: $rows) { results { id } } }`
		d := s.must(plans, map[string]any{"rows": []map[string]any{
			{"externalID": "plan1", "accountExternalID": "acme", "name": "FY27", "periodStart": "2026-01-01T00:00:00Z", "periodEnd": "2026-12-31T00:00:00Z"},
			{"externalID": "plan2", "accountExternalID": "acme", "name": "FY28", "periodStart": "2027-01-01T00:00:00Z", "periodEnd": "2027-12-31T00:00:00Z"},
		}})
		plan2ID := get(d, "upsertAccountPlans", "results", 1, "id")
		// A plan made here, without an external ID, and its objective.
		plan3 := e.client.AccountPlan.Create().SetName("Local").SetAccountID(e.client.Account.Query().Where(account.ExternalID("acme")).OnlyIDX(ctx)).
			SetPeriodStart(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).SetPeriodEnd(time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)).SaveX(ctx)
		goal := e.client.Goal.Create().SetTitle("Grow").SetPlanID(plan3.ID).SaveX(ctx)
		objective := e.client.Objective.Create().SetTitle("Land Analytics").SetGoalID(goal.ID).SaveX(ctx)

		rows := []map[string]any{
			{"externalID": "a0", "planExternalID": "plan1", "title": "Fine", "ownerEmail": "omar@example.com"},
			{"externalID": "a1", "planID": plan2ID, "title": "By our plan ID"},
			{"externalID": "a2", "planID": fmt.Sprint(plan3.ID), "title": "With an objective", "objectiveID": fmt.Sprint(objective.ID)},
			{"externalID": "a3", "title": "No plan"},
			{"externalID": "a4", "planExternalID": "plan1", "planID": plan2ID, "title": "Two plans"},
			{"externalID": "a5", "planExternalID": "plan1", "title": "Two owners", "ownerEmail": "omar@example.com", "stakeholderOwnerExternalID": "acme-p1"},
			{"externalID": "a6", "planExternalID": "plan1", "title": "Stakeholder of another account", "stakeholderOwnerExternalID": "globex-p1"},
			{"externalID": "a7", "planExternalID": "plan1", "title": "Objective of another plan", "objectiveID": fmt.Sprint(objective.ID)},
			{"externalID": "a8", "planExternalID": "nowhere", "title": "Unknown plan"},
		}
		code, _ := s.code(upsertActionItems, map[string]any{"rows": rows, "mode": "ATOMIC"})
		if code != "BAD_USER_INPUT" {
			t.Errorf("ATOMIC with refused rows: %s", code)
		}
		if n := e.client.ActionItem.Query().CountX(ctx); n != 0 {
			t.Errorf("a refused call wrote %d action items", n)
		}
		d = s.must(upsertActionItems, map[string]any{"rows": rows, "mode": "PER_ROW"})
		want := []any{
			map[string]any{"externalID": "a0", "outcome": "CREATED", "error": nil},
			map[string]any{"externalID": "a1", "outcome": "CREATED", "error": nil},
			map[string]any{"externalID": "a2", "outcome": "CREATED", "error": nil},
			map[string]any{"externalID": "a3", "outcome": "FAILED", "error": map[string]any{"code": "BAD_USER_INPUT", "field": "planExternalID"}},
			map[string]any{"externalID": "a4", "outcome": "FAILED", "error": map[string]any{"code": "BAD_USER_INPUT", "field": "planExternalID"}},
			map[string]any{"externalID": "a5", "outcome": "FAILED", "error": map[string]any{"code": "BAD_USER_INPUT", "field": "stakeholderOwnerExternalID"}},
			map[string]any{"externalID": "a6", "outcome": "FAILED", "error": map[string]any{"code": "BAD_USER_INPUT", "field": "stakeholderOwnerExternalID"}},
			map[string]any{"externalID": "a7", "outcome": "FAILED", "error": map[string]any{"code": "BAD_USER_INPUT", "field": "objectiveID"}},
			map[string]any{"externalID": "a8", "outcome": "FAILED", "error": map[string]any{"code": "BAD_USER_INPUT", "field": "planExternalID"}},
		}
		if got := get(d, "upsertActionItems", "results"); !sameJSON(got, want) {
			t.Errorf("PER_ROW: %v", got)
		}

		// An update is a new version in the history; an older source keeps the item; an item stays in its plan.
		d = s.must(upsertActionItems, map[string]any{"mode": "ATOMIC", "rows": []map[string]any{
			{"externalID": "a0", "planExternalID": "plan1", "title": "Fine", "status": "DONE", "stakeholderOwnerExternalID": "acme-p2"},
			{"externalID": "a1", "planID": plan2ID, "title": "Renamed", "sourceUpdatedAt": "2001-01-01T00:00:00Z"},
			{"externalID": "a2", "planID": fmt.Sprint(plan3.ID), "title": "With an objective"},
		}})
		if got := outcomes(d, "upsertActionItems"); !sameJSON(got, map[string]any{"UPDATED": 1, "KEPT_NEWER": 1, "UNCHANGED": 1}) {
			t.Errorf("updates: %v", got)
		}
		a0 := e.client.ActionItem.Query().Where(actionitem.ExternalID("a0")).OnlyX(ctx)
		if a0.OwnerID != nil || a0.StakeholderOwnerID == nil || a0.CompletedAt == nil || a0.Version != 2 {
			t.Errorf("a0: owner %v stakeholder owner %v completed %v version %d", a0.OwnerID, a0.StakeholderOwnerID, a0.CompletedAt, a0.Version)
		}
		if n := e.client.Change.Query().Where(change.SubjectExternalID("a0")).CountX(ctx); n != 2 {
			t.Errorf("a0 has %d history entries, want 2", n)
		}
		if code, field := s.code(upsertActionItems, map[string]any{"mode": "ATOMIC", "rows": []map[string]any{
			{"externalID": "a0", "planExternalID": "plan2", "title": "Fine"}}}); code != "BAD_USER_INPUT" || field != "planExternalID" {
			t.Errorf("moving an item to another plan: %s %s", code, field)
		}

		// Statements do not grow with the items, owned by users or stakeholders.
		items := func(from, n int) []map[string]any {
			out := make([]map[string]any, n)
			for i := range out {
				out[i] = map[string]any{"externalID": fmt.Sprint("b", from+i), "planExternalID": []string{"plan1", "plan2"}[i%2], "title": fmt.Sprint("Item ", i)}
				if i%2 == 0 {
					out[i]["ownerEmail"] = "omar@example.com"
				} else {
					out[i]["stakeholderOwnerExternalID"] = fmt.Sprint("acme-p", i%4)
				}
			}
			return out
		}
		small := s.count(func() { d = s.must(upsertActionItems, map[string]any{"rows": items(0, 6), "mode": "ATOMIC"}) })
		large := s.count(func() { d = s.must(upsertActionItems, map[string]any{"rows": items(100, 60), "mode": "ATOMIC"}) })
		if get(d, "upsertActionItems", "created") != float64(60) {
			t.Fatalf("created: %v", d)
		}
		t.Logf("statements: %d for 6 items, %d for 60", small, large)
		if small != large {
			t.Errorf("statements grow with rows: %d for 6 items, %d for 60", small, large)
		}
	})
}

// Two concurrent upserts of one plan's or one action item's external ID:
// one CREATED, one UPDATED, never a CONFLICT.
func TestUpsertPlansConcurrentSameExternalID(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		s := syncEnv(t, e)
		s.must(upsertAccounts, map[string]any{"rows": []map[string]any{{"externalID": "acme", "name": "Acme"}}})
		const plans = `mutation($rows: [AccountPlanUpsertInput!]!) { upsertAccountPlans(input: $rows) { results { outcome } } }`
		s.must(plans, map[string]any{"rows": []map[string]any{{"externalID": "plan", "accountExternalID": "acme", "name": "FY27",
			"periodStart": "2026-01-01T00:00:00Z", "periodEnd": "2026-12-31T00:00:00Z"}}})
		for trial := range raceTrials {
			planReq := func(name string) raceRequest {
				return raceRequest{plans, map[string]any{"rows": []map[string]any{{"externalID": fmt.Sprint("plan", trial), "accountExternalID": "acme",
					"name": name, "periodStart": "2026-01-01T00:00:00Z", "periodEnd": "2026-12-31T00:00:00Z"}}}}
			}
			itemReq := func(title string) raceRequest {
				return raceRequest{upsertActionItems, map[string]any{"mode": "ATOMIC", "rows": []map[string]any{
					{"externalID": fmt.Sprint("item", trial), "planExternalID": "plan", "title": title}}}}
			}
			for _, pair := range [][2]raceRequest{{planReq("First"), planReq("Second")}, {itemReq("First"), itemReq("Second")}} {
				got := map[string]int{}
				for _, r := range s.race(pair[0], pair[1]) {
					if len(r.Errors) > 0 {
						t.Fatalf("trial %d: %+v", trial, r.Errors)
					}
					for _, field := range []string{"upsertAccountPlans", "upsertActionItems"} {
						if o, ok := get(r.Data, field, "results", 0, "outcome").(string); ok {
							got[o]++
						}
					}
				}
				if got["CREATED"] != 1 || got["UPDATED"] != 1 {
					t.Errorf("trial %d: %v, want one CREATED and one UPDATED", trial, got)
				}
			}
		}
	})
}

// derivedWrites counts the statements that write derived rows, by kind:
// the metric totals (and the accounts' segments they keep), map versions,
// the history and the webhook outbox.
func derivedWrites(statements []string) map[string]int {
	out := map[string]int{}
	for _, q := range statements {
		lower := strings.ToLower(q)
		if !strings.HasPrefix(lower, "insert") && !strings.HasPrefix(lower, "update") && !strings.HasPrefix(lower, "delete") {
			continue
		}
		switch {
		case strings.Contains(lower, "metric_") || strings.Contains(lower, totals.AccountSegmentColumn):
			out["totals"]++
		case strings.Contains(lower, "map_version"):
			out["map versions"]++
		case strings.Contains(lower, "webhook_events"):
			out["outbox"]++
		case strings.Contains(lower, "changes"):
			out["history"]++
		}
	}
	return out
}

// A large call stays linear: the statements that write the derived rows
// (metric totals, map versions, history, outbox) are as many for 1,000
// deals or revenue records in 100 accounts as for 100 in 10.
func TestUpsertDerivedRowsOncePerCall(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		s := syncEnv(t, e)
		accounts := make([]map[string]any, 100)
		for i := range accounts {
			accounts[i] = map[string]any{"externalID": fmt.Sprint("acc", i), "name": fmt.Sprint("Account ", i), "tier": []string{"STRATEGIC", "KEY", "GENERAL"}[i%3]}
		}
		s.must(upsertAccounts, map[string]any{"rows": accounts})
		const deals = `mutation($rows: [OpportunityUpsertInput!]!) { upsertOpportunities(input: $rows) { created } }`
		const revenue = `mutation($rows: [RevenueRecordUpsertInput!]!) { upsertRevenueRecords(input: $rows) { created } }`
		rows := func(kind string, call, n, accounts int) []map[string]any {
			out := make([]map[string]any, n)
			for i := range out {
				acc := fmt.Sprint("acc", i*accounts/n)
				if kind == "deal" {
					out[i] = map[string]any{"externalID": fmt.Sprint(kind, call, "-", i), "accountExternalID": acc, "name": fmt.Sprint("Deal ", i),
						"amount": 1000 * (i + 1), "stage": "CLOSED_WON", "openedAt": "2026-01-02T00:00:00Z", "closedAt": "2026-03-04T00:00:00Z"}
					continue
				}
				month := time.Date(2020+call, time.Month(1+i%(n/accounts)), 1, 0, 0, 0, 0, time.UTC)
				out[i] = map[string]any{"externalID": fmt.Sprint(kind, call, "-", i), "accountExternalID": acc, "startingRevenue": 100000, "expansion": 1000 * i,
					"periodStart": month.Format(time.RFC3339), "periodEnd": month.AddDate(0, 1, -1).Format(time.RFC3339)}
			}
			return out
		}
		for _, kind := range []struct{ name, query, field string }{{"deal", deals, "upsertOpportunities"}, {"revenue", revenue, "upsertRevenueRecords"}} {
			// The first rows put every account into the totals: later calls take them out first.
			s.must(kind.query, map[string]any{"rows": rows(kind.name, 0, 100, 100)})
			var small, large map[string]int
			small = derivedWrites(e.statements(func() { s.must(kind.query, map[string]any{"rows": rows(kind.name, 1, 100, 10)}) }))
			var d map[string]any
			large = derivedWrites(e.statements(func() { d = s.must(kind.query, map[string]any{"rows": rows(kind.name, 2, 1000, 100)}) }))
			if get(d, kind.field, "created") != float64(1000) {
				t.Fatalf("%s: %v", kind.field, d)
			}
			t.Logf("%s: derived writes %v for 100 rows in 10 accounts, %v for 1,000 in 100", kind.field, small, large)
			if !sameJSON(small, large) || small["totals"] == 0 || small["history"] == 0 || small["outbox"] == 0 {
				t.Errorf("%s: derived writes grow with rows: %v for 100 rows in 10 accounts, %v for 1,000 in 100", kind.field, small, large)
			}
		}
	})
}
