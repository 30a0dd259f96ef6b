package apitest

import (
	"fmt"
	"testing"
	"time"

	"github.com/accountplan/accountplan/graph/httpedge"
)

// sourceCases are the upsertable types, each with the rows' other fields and
// one field that the CRM and people here both change.
var sourceCases = []struct {
	typ, upsert string
	base        map[string]any
	field       string
	value       func(n int) any
}{
	{"Account", "upsertAccounts", map[string]any{}, "name", text},
	{"BusinessUnit", "upsertBusinessUnits", map[string]any{"accountExternalID": "acme", "name": "Retail"}, "description", text},
	{"Product", "upsertProducts", map[string]any{"name": "Insight"}, "description", text},
	{"Stakeholder", "upsertStakeholders", map[string]any{"accountExternalID": "acme", "name": "Ana"}, "title", text},
	{"InfluenceEdge", "upsertInfluenceEdges", map[string]any{"fromExternalID": "acme-p0", "toExternalID": "acme-p1"}, "note", text},
	{"Relationship", "upsertRelationships", map[string]any{"stakeholderExternalID": "acme-p0", "userEmail": "olivia@example.com"}, "note", text},
	{"Opportunity", "upsertOpportunities", map[string]any{"accountExternalID": "acme"}, "name", text},
	{"RevenueRecord", "upsertRevenueRecords", map[string]any{"accountExternalID": "acme", "periodStart": "2026-01-01T00:00:00Z", "periodEnd": "2026-03-31T00:00:00Z"}, "expansion", func(n int) any { return 1000 * n }},
	{"Feedback", "upsertFeedback", map[string]any{"accountExternalID": "acme", "kind": "AD_HOC"}, "text", text},
	{"AccountPlan", "upsertAccountPlans", map[string]any{"accountExternalID": "acme", "name": "FY27", "periodStart": "2027-01-01T00:00:00Z", "periodEnd": "2027-12-31T00:00:00Z"}, "competitors", text},
	{"ActionItem", "upsertActionItems", map[string]any{"planExternalID": "plan1", "title": "Call the CFO"}, "description", text},
}

func text(n int) any { return fmt.Sprint("value ", n) }

// KEPT_NEWER keeps out a CRM row only when the record changed after the
// row's source time: here (through the API), or from a newer sync row. Our
// own import is no such change: a CRM edit made between the CRM's export and
// our import of it is applied by the next export. For every upsertable type.
func TestUpsertSourceTime(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		s := syncEnv(t, e)
		newUser(t, e, "olivia")
		s.must(upsertAccounts, map[string]any{"rows": []map[string]any{{"externalID": "acme", "name": "Acme"}}})
		s.must(upsertStakeholders, map[string]any{"rows": orgRows("acme", 2, 1), "mode": "ATOMIC"})
		s.must(`mutation($rows: [AccountPlanUpsertInput!]!) { upsertAccountPlans(input: $rows) { created } }`, map[string]any{"rows": []map[string]any{
			{"externalID": "plan1", "accountExternalID": "acme", "name": "FY26", "periodStart": "2026-01-01T00:00:00Z", "periodEnd": "2026-12-31T00:00:00Z"}}})

		now := time.Now().UTC().Truncate(time.Second)
		at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
		for _, c := range sourceCases {
			key := "src-" + c.typ
			upsert := fmt.Sprintf(`mutation($rows: [%sUpsertInput!]!) { %s(input: $rows, mode: PER_ROW) { results { id outcome error { code message } } } }`, c.typ, c.upsert)
			read := fmt.Sprintf(`query($id: ID!) { node(id: $id) { ... on %s { value: %s sourceUpdatedAt } } }`, c.typ, c.field)
			var id any
			// row sends the field's value n with the source time (none when nil) and checks the outcome.
			row := func(step string, n int, src *time.Time, want string) {
				t.Helper()
				r := map[string]any{"externalID": key, c.field: c.value(n)}
				for k, v := range c.base {
					r[k] = v
				}
				if src != nil {
					r["sourceUpdatedAt"] = src.Format(time.RFC3339Nano)
				}
				d := s.must(upsert, map[string]any{"rows": []map[string]any{r}})
				res := get(d, c.upsert, "results", 0)
				if got := get(res, "outcome"); got != want {
					t.Errorf("%s, %s: %v, want %s", c.typ, step, res, want)
				}
				id = get(res, "id")
			}
			// holds checks the record's value and source time.
			holds := func(step string, n int, src *time.Time) {
				t.Helper()
				node := get(s.must(read, map[string]any{"id": id}), "node")
				if got := get(node, "value"); !sameJSON(got, c.value(n)) {
					t.Errorf("%s, %s: %s is %v, want %v", c.typ, step, c.field, got, c.value(n))
				}
				got, _ := get(node, "sourceUpdatedAt").(string)
				switch parsed, err := time.Parse(time.RFC3339Nano, got); {
				case src == nil && got != "":
					t.Errorf("%s, %s: sourceUpdatedAt %s, want null", c.typ, step, got)
				case src != nil && (err != nil || !parsed.Equal(*src)):
					t.Errorf("%s, %s: sourceUpdatedAt %q, want %v", c.typ, step, got, *src)
				}
			}

			// The CRM exported the record as it was 2 h ago; we import it now.
			row("import", 1, at(-2*time.Hour), "CREATED")
			holds("import", 1, at(-2*time.Hour))
			// A CRM user changed it 1 h ago, before our import: the next export carries the change, and it is applied.
			synced := s.count(func() { row("CRM edit before our import", 2, at(-time.Hour), "UPDATED") })
			holds("CRM edit before our import", 2, at(-time.Hour))
			// A replay, or the same values at a later time, writes nothing.
			row("replay", 2, at(-time.Hour), "UNCHANGED")
			row("same values, later", 2, at(-30*time.Minute), "UNCHANGED")
			// A row older than, or as old as, the last one taken is kept out.
			row("older source row", 3, at(-90*time.Minute), "KEPT_NEWER")
			row("as old as the last", 3, at(-time.Hour), "KEPT_NEWER")
			holds("older rows", 2, at(-time.Hour))

			// Someone here changes the record: the sync's source time is forgotten.
			s.must(fmt.Sprintf(`mutation($id: ID!, $input: Update%sInput!) { update%s(id: $id, input: $input) { id } }`, c.typ, c.typ),
				map[string]any{"id": id, "input": map[string]any{c.field: c.value(4)}})
			holds("local edit", 4, nil)
			// A CRM change older than the local one is kept out; a newer one is applied.
			row("CRM row older than the local edit", 5, at(-10*time.Minute), "KEPT_NEWER")
			holds("CRM row older than the local edit", 4, nil)
			row("CRM row newer than the local edit", 6, at(time.Hour), "UPDATED")
			holds("CRM row newer than the local edit", 6, at(time.Hour))
			// A row without a source time is a change made here, like the API's.
			// Keeping the source time costs no statement: an update with one runs as many as one without.
			if local := s.count(func() { row("row without a source time", 7, nil, "UPDATED") }); local != synced {
				t.Errorf("%s: an update with a source time runs %d statements, one without %d", c.typ, synced, local)
			}
			holds("row without a source time", 7, nil)
			row("CRM row older than that row", 8, at(-5*time.Minute), "KEPT_NEWER")
		}
	})
}
