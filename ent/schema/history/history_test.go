package history_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/store/storetest"
	"github.com/accountplan/accountplan/ent/user"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// record is a change as the test compares it: what, by whom, under which
// account, and each field as "name: old -> new" in JSON, null when missing.
type record struct {
	operation string
	subject   string // type and ID
	actor     int    // 0 for none
	account   int    // 0 for none
	fields    []string
}

func (r record) String() string {
	return fmt.Sprintf("%s %s by %d in %d: %s", r.operation, r.subject, r.actor, r.account, strings.Join(r.fields, "; "))
}

// records are the changes recorded since the change with ID after, in order.
func records(t *testing.T, c *ent.Client, after int) []record {
	t.Helper()
	changes, err := c.Change.Query().Where(change.IDGT(after)).Order(change.ByID()).WithActor().All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []record
	for _, ch := range changes {
		r := record{operation: string(ch.Operation), subject: ch.SubjectType + " " + strconv.Itoa(ch.SubjectID)}
		if ch.Edges.Actor != nil {
			r.actor = ch.Edges.Actor.ID
		}
		if ch.AccountID != nil {
			r.account = *ch.AccountID
		}
		for _, f := range ch.Fields {
			r.fields = append(r.fields, f.Field+": "+orNull(f.Old)+" -> "+orNull(f.New))
		}
		out = append(out, r)
	}
	return out
}

func orNull(b []byte) string {
	if len(b) == 0 {
		return "null"
	}
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return "not JSON: " + string(b)
	}
	return out.String()
}

// last is the ID of the newest change, 0 when there is none.
func last(t *testing.T, c *ent.Client) int {
	ids, err := c.Change.Query().Order(ent.Desc(change.FieldID)).Limit(1).IDs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) == 0 {
		return 0
	}
	return ids[0]
}

func expect(t *testing.T, what string, got []record, want ...record) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s recorded %d changes, want %d:\n%v", what, len(got), len(want), got)
		return
	}
	for i := range got {
		if got[i].String() != want[i].String() {
			t.Errorf("%s recorded\n  %v\nwant\n  %v", what, got[i], want[i])
		}
	}
}

func id(typ string, id int) string { return typ + " " + strconv.Itoa(id) }

// q is an ID as the history writes it: a JSON string, as GraphQL IDs are.
func q(id int) string { return strconv.Quote(strconv.Itoa(id)) }

// TestRecord: a create lists the fields it sets, an update those it
// changes with their old values, a delete every field the record had; all
// under GraphQL names, links as the input fields that set them, with the
// viewer and the record's account.
func TestRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		a := storetest.NewTree(t, c, "a")
		ada := c.User.Create().SetName("Ada").SetEmail("ada@example.com").SetRole(user.RoleADMIN).SaveX(context.Background()).ID
		as := viewer.NewContext(context.Background(), viewer.Viewer{UserID: ada, Role: viewer.RoleAdmin})
		plan := a.IDs[ent.TypeAccountPlan]

		start := last(t, c)
		goal := c.Goal.Create().SetTitle("Grow").SetTarget("500000").SetUnit("USD").SetPlanID(plan).SaveX(as).ID
		expect(t, "a create", records(t, c, start), record{"CREATE", id("Goal", goal), ada, a.Account,
			[]string{`title: null -> "Grow"`, `target: null -> "500000"`, `unit: null -> "USD"`, "planID: null -> " + q(plan)}})

		start = last(t, c)
		c.Goal.UpdateOneID(goal).SetTitle("Grow more").SetTarget("600000").SetUnit("USD").ExecX(as)
		expect(t, "an update", records(t, c, start), record{"UPDATE", id("Goal", goal), ada, a.Account,
			[]string{`title: "Grow" -> "Grow more"`, `target: "500000" -> "600000"`}})

		start = last(t, c)
		c.Goal.UpdateOneID(goal).SetTitle("Grow more").ExecX(as)
		expect(t, "an update that changes nothing", records(t, c, start))

		start = last(t, c)
		c.Stakeholder.UpdateOneID(a.Stakeholder).SetExternalID("crm-2").SetReportsToID(a.Other).ExecX(as)
		c.Stakeholder.UpdateOneID(a.Stakeholder).ClearReportsTo().ClearExternalID().ExecX(as)
		expect(t, "setting and clearing links", records(t, c, start),
			record{"UPDATE", id("Stakeholder", a.Stakeholder), ada, a.Account, []string{`externalID: null -> "crm-2"`, "reportsToID: null -> " + q(a.Other)}},
			record{"UPDATE", id("Stakeholder", a.Stakeholder), ada, a.Account, []string{`externalID: "crm-2" -> null`, "reportsToID: " + q(a.Other) + " -> null"}})

		start = last(t, c)
		c.Stakeholder.Update().Where(stakeholder.IDIn(a.Stakeholder, a.Other)).SetTitle("VP").ExecX(as)
		bulk := records(t, c, start)
		slices.SortFunc(bulk, func(x, y record) int { return strings.Compare(x.subject, y.subject) })
		expect(t, "a bulk update", bulk,
			record{"UPDATE", id("Stakeholder", a.Stakeholder), ada, a.Account, []string{`title: "" -> "VP"`}},
			record{"UPDATE", id("Stakeholder", a.Other), ada, a.Account, []string{`title: "" -> "VP"`}})

		start = last(t, c)
		c.Review.UpdateOneID(a.IDs[ent.TypeReview]).AddAttendeeIDs(ada, a.User).ExecX(as)
		added := records(t, c, start)
		// The IDs come in either order.
		want := record{"UPDATE", id("Review", a.IDs[ent.TypeReview]), ada, a.Account, []string{fmt.Sprintf(`attendeeIDs: null -> ["%d","%d"]`, ada, a.User)}}
		if len(added) == 1 && len(added[0].fields) == 1 && added[0].fields[0] == fmt.Sprintf(`attendeeIDs: null -> ["%d","%d"]`, a.User, ada) {
			want.fields = added[0].fields
		}
		expect(t, "adding to a list", added, want)

		start = last(t, c)
		c.Goal.DeleteOneID(goal).ExecX(as)
		deleted := records(t, c, start)
		// A deletion records the record's times and version too, whose values vary: for the record rebuilt.
		for i := range deleted {
			n := len(deleted[i].fields)
			deleted[i].fields = slices.DeleteFunc(deleted[i].fields, func(f string) bool {
				return strings.HasPrefix(f, "createdAt: ") || strings.HasPrefix(f, "updatedAt: ") || f == "version: 3 -> null"
			})
			if n-len(deleted[i].fields) != 3 {
				t.Errorf("a delete recorded %d of createdAt, updatedAt and version", n-len(deleted[i].fields))
			}
		}
		expect(t, "a delete", deleted, record{"DELETE", id("Goal", goal), ada, a.Account,
			[]string{`title: "Grow more" -> null`, `description: "" -> null`, `metric: "" -> null`, `target: "600000" -> null`, `unit: "USD" -> null`, "planID: " + q(plan) + " -> null"}})

		// An account is its own account; users and products belong to none.
		// With the server open, there is no one to name.
		open := viewer.NewContext(context.Background(), viewer.Open)
		start = last(t, c)
		acc := c.Account.Create().SetName("Beta").SaveX(open).ID
		c.User.UpdateOneID(a.User).SetTitle("Seller").ExecX(open)
		c.Product.UpdateOneID(a.Product).SetFamily("Cloud").ExecX(as)
		expect(t, "writes outside accounts", records(t, c, start),
			record{"CREATE", id("Account", acc), 0, acc, []string{`name: null -> "Beta"`, `tier: null -> "GENERAL"`, `currency: null -> "USD"`}},
			record{"UPDATE", id("User", a.User), 0, 0, []string{`title: "" -> "Seller"`}},
			record{"UPDATE", id("Product", a.Product), ada, 0, []string{`family: "" -> "Cloud"`}})
	})
}

// TestNothingWithoutViewer: the server's own writes (no viewer) are not
// API changes, and leave no history.
func TestNothingWithoutViewer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		ctx := context.Background()
		a := storetest.NewTree(t, c, "a")
		c.Stakeholder.UpdateOneID(a.Stakeholder).SetTitle("CEO").ExecX(ctx)
		c.Account.DeleteOneID(a.Account).ExecX(ctx)
		if n := c.Change.Query().CountX(ctx); n != 0 {
			t.Errorf("the server's writes recorded %d changes", n)
		}
	})
}

// TestRecordedFields: whatever the type and write, the history names only
// fields the API shows, by their GraphQL names: never the map version, the
// calendar numbers, the secret hash, or the times and versions every write
// touches.
func TestRecordedFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		as := viewer.NewContext(context.Background(), viewer.Open)
		a := storetest.NewTree(t, c, "a")
		day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

		// Writes of every type, several of which move hidden fields.
		c.Account.UpdateOneID(a.Account).SetExternalID("crm-1").SetIndustry("Retail").SetSellers(10).ExecX(as)
		c.Stakeholder.UpdateOneID(a.Stakeholder).SetName("Renamed").SetInfluence(4).ExecX(as)
		deal := c.Opportunity.Create().SetName("Deal").SetAccountID(a.Account).SetOpenedAt(day).SetAmount(5).SaveX(as).ID
		c.Opportunity.UpdateOneID(deal).SetStage(opportunity.StageCLOSED_WON).ExecX(as)
		c.Opportunity.Update().Where(opportunity.ID(deal)).SetStage(opportunity.StagePROPOSAL).ExecX(as)
		rec := c.RevenueRecord.Create().SetAccountID(a.Account).SetPeriodStart(day.AddDate(0, 3, 0)).SetPeriodEnd(day.AddDate(0, 4, 0)).SetExpansion(3).SaveX(as).ID
		c.RevenueRecord.UpdateOneID(rec).SetPeriodStart(day.AddDate(0, 2, 0)).ExecX(as)
		c.APIToken.Create().SetName("CI").SetSecretHash("hash").SetPrefix("ap_x").SetUserID(a.User).ExecX(as)
		c.KPIMeasurement.Create().SetKpiID(a.IDs[ent.TypeKPI]).SetValue("3").ExecX(as)
		c.IcpCriterion.Create().SetAttribute("INDUSTRY").SetValue("Retail").SetGrade("IDEAL").ExecX(as)
		c.User.UpdateOneID(a.User).SetName("Renamed").ExecX(as)
		c.Relationship.DeleteOneID(a.IDs[ent.TypeRelationship]).ExecX(as)
		c.Opportunity.DeleteOneID(deal).ExecX(as)
		c.RevenueRecord.DeleteOneID(rec).ExecX(as)
		c.Account.DeleteOneID(a.Account).ExecX(as)

		hidden := map[string]bool{}
		for _, names := range ent.GraphQLNames {
			for _, n := range names {
				if n.Hidden {
					hidden[n.Field] = true
				}
			}
		}
		for _, f := range []string{"mapVersion", "openedDay", "closedMonth", "periodStartQuarter", "secretHash"} {
			if !hidden[f] {
				t.Errorf("%s is not hidden from the API", f)
			}
		}
		types := map[string]bool{}
		for _, ch := range c.Change.Query().AllX(as) {
			types[ch.SubjectType] = true
			for _, f := range ch.Fields {
				shown := false
				for ent, n := range ent.GraphQLNames[ch.SubjectType] {
					stamp := slices.Contains([]string{"created_at", "updated_at", "version", "source_updated_at"}, ent)
					shown = shown || n.Field == f.Field && !n.Hidden && (!stamp || ch.Operation == change.OperationDELETE)
				}
				if !shown {
					t.Errorf("a %s %s of %s records %s, which the API does not show or every write touches", ch.SubjectType, ch.Operation, ch.SubjectType, f.Field)
				}
			}
		}
		if len(types) < 10 {
			t.Errorf("the writes recorded changes of %d types only: %v", len(types), types)
		}
	})
}

// TestCascade: deleting a stakeholder records the deletion of their
// influence edges and relationships and the links cleared to them, and a
// bulk move records each stakeholder's old manager, so that the history
// holds every value the database changed.
func TestCascade(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		as := viewer.NewContext(context.Background(), viewer.Open)
		a := storetest.NewTree(t, c, "a")
		edge, rel := a.IDs[ent.TypeInfluenceEdge], a.IDs[ent.TypeRelationship]
		item := c.ActionItem.Create().SetTitle("Call").SetPlanID(a.IDs[ent.TypeAccountPlan]).SetStakeholderOwnerID(a.Stakeholder).SaveX(as).ID

		start := last(t, c)
		c.Stakeholder.Update().Where(stakeholder.ID(a.Other)).SetReportsToID(a.Stakeholder).ExecX(as)
		expect(t, "a bulk move", records(t, c, start),
			record{"UPDATE", id("Stakeholder", a.Other), 0, a.Account, []string{"reportsToID: null -> " + q(a.Stakeholder)}})

		start = last(t, c)
		c.Stakeholder.DeleteOneID(a.Stakeholder).ExecX(as)
		got := map[string]bool{}
		for _, r := range records(t, c, start) {
			got[r.operation+" "+r.subject] = true
			if r.subject == id("Stakeholder", a.Other) && !slices.Equal(r.fields, []string{"reportsToID: " + q(a.Stakeholder) + " -> null"}) {
				t.Errorf("the promotion of the report recorded %v, want their old manager", r.fields)
			}
		}
		for _, want := range []string{"DELETE " + id("InfluenceEdge", edge), "DELETE " + id("Relationship", rel),
			"UPDATE " + id("ActionItem", item), "UPDATE " + id("Stakeholder", a.Other), "DELETE " + id("Stakeholder", a.Stakeholder)} {
			if !got[want] {
				t.Errorf("deleting a stakeholder recorded %v, missing %s", got, want)
			}
		}
	})
}
