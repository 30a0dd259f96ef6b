package invariant_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/review"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

// TestNormalizeTimes: every time is stored in UTC at microseconds, as
// returned by the write, whatever its offset and precision, by creates and
// single and bulk updates of every kind of record.
func TestNormalizeTimes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		a := storetest.NewTree(t, c, "a")
		zone := time.FixedZone("UTC-3:30", -(3*3600 + 1800))
		sent := time.Date(2025, 3, 31, 22, 15, 30, 123456789, zone)
		want := time.Date(2025, 4, 1, 1, 45, 30, 123456000, time.UTC)
		check := func(t *testing.T, what string, got time.Time) {
			t.Helper()
			if _, offset := got.Zone(); !got.Equal(want) || offset != 0 || got.Nanosecond()%1000 != 0 {
				t.Errorf("%s: %v, want %v", what, got, want)
			}
		}
		later := sent.Add(time.Hour)

		deal := c.Opportunity.Create().SetName("Deal").SetAccountID(a.Account).SetOpenedAt(sent).SetClosedAt(later).SaveX(as)
		check(t, "opened, as returned", deal.OpenedAt)
		deal = c.Opportunity.GetX(as, deal.ID)
		check(t, "opened", deal.OpenedAt)
		check(t, "closed", deal.ClosedAt.Add(-time.Hour))

		plan := c.AccountPlan.UpdateOneID(a.IDs[ent.TypeAccountPlan]).SetPeriodStart(sent).SetPeriodEnd(later).SaveX(as)
		check(t, "plan start, as returned", plan.PeriodStart)
		check(t, "plan start", c.AccountPlan.GetX(as, plan.ID).PeriodStart)

		item := c.ActionItem.Create().SetTitle("Item").SetPlanID(plan.ID).SetDueAt(sent).SaveX(as)
		check(t, "due", *c.ActionItem.GetX(as, item.ID).DueAt)

		ok(t, c.Review.Update().Where(review.ID(a.IDs[ent.TypeReview])).SetHeldAt(sent).Exec(as))
		check(t, "held, in bulk", *c.Review.GetX(as, a.IDs[ent.TypeReview]).HeldAt)

		fb := c.Feedback.UpdateOneID(a.IDs[ent.TypeFeedback]).SetReceivedAt(sent).SaveX(as)
		check(t, "received", c.Feedback.GetX(as, fb.ID).ReceivedAt)

		rel := c.Relationship.UpdateOneID(a.IDs[ent.TypeRelationship]).SetLastContactAt(sent).SaveX(as)
		check(t, "last contact", *c.Relationship.GetX(as, rel.ID).LastContactAt)

		// Stored alike, times compare alike: the record is found by the time it was sent with.
		if n := c.Opportunity.Query().Where(func(s *sql.Selector) { s.Where(sql.EQ(s.C("opened_at"), want)) }).CountX(as); n != 1 {
			t.Errorf("%d deals opened at %v, want 1", n, want)
		}
	})
}

// versioned are the types whose records people edit at once, with a version.
var versioned = []string{ent.TypeAccountPlan, ent.TypeActionItem, ent.TypeGoal, ent.TypeKPI, ent.TypeObjective, ent.TypeStakeholder}

// TestVersion: every update of a versioned record makes a new version; one
// made from a version no longer current is refused with a conflict that
// says which is, and changes nothing.
func TestVersion(t *testing.T) {
	for typ, names := range ent.GraphQLNames {
		if _, ok := names["version"]; ok != slices.Contains(versioned, typ) {
			t.Errorf("%s has a version: %v; in this test's list: %v", typ, ok, !ok)
		}
	}
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		a, b := storetest.NewTree(t, c, "a"), storetest.NewTree(t, c, "b")
		for _, typ := range versioned {
			t.Run(typ, func(t *testing.T) {
				id := a.IDs[typ]
				version := func(id int) int {
					v := reflect.ValueOf(c).Elem().FieldByName(typ).MethodByName("GetX").Call([]reflect.Value{reflect.ValueOf(as), reflect.ValueOf(id)})[0]
					return int(v.Elem().FieldByName("Version").Int())
				}
				update := func(ctx context.Context, sent int) error {
					b := reflect.ValueOf(c).Elem().FieldByName(typ).MethodByName("UpdateOneID").Call([]reflect.Value{reflect.ValueOf(id)})[0]
					if sent != 0 {
						m := b.MethodByName("Mutation").Call(nil)[0].Interface().(interface{ SetField(string, ent.Value) error })
						if err := m.SetField("version", sent); err != nil {
							t.Fatal(err)
						}
					}
					err, _ := b.MethodByName("Exec").Call([]reflect.Value{reflect.ValueOf(ctx)})[0].Interface().(error)
					return err
				}
				// The tree's KPI is at version 2 already: its measurement set its current value.
				v := version(id)
				if v != 1 && typ != ent.TypeKPI {
					t.Fatalf("a new record is at version %d, want 1", v)
				}
				ok(t, update(as, 0))
				ok(t, update(as, v+1))
				if got := version(id); got != v+2 {
					t.Errorf("after two updates, version %d, want %d", got, v+2)
				}
				for _, stale := range []int{v, v + 1, v + 3} {
					before := storetest.Dump(t, c)
					err := update(as, stale)
					var conflict *clienterr.ConflictError
					if !errors.As(err, &conflict) || *conflict != (clienterr.ConflictError{Type: typ, Sent: stale, Current: v + 2}) {
						t.Errorf("update from version %d: %#v, want a conflict at version %d", stale, err, v+2)
					}
					if changes := storetest.Changes(before, storetest.Dump(t, c)); changes != "" {
						t.Errorf("the refused update changed:\n%s", changes)
					}
				}
				// A bulk update makes a new version of each record.
				bulk := reflect.ValueOf(c).Elem().FieldByName(typ).MethodByName("Update").Call(nil)[0]
				where := bulk.MethodByName("Where")
				p := reflect.ValueOf(sql.FieldIn("id", id, b.IDs[typ])).Convert(where.Type().In(0).Elem())
				res := where.Call([]reflect.Value{p})[0].MethodByName("Exec").Call([]reflect.Value{reflect.ValueOf(as)})
				if err, _ := res[0].Interface().(error); err != nil {
					t.Fatal(err)
				}
				if got, want := [2]int{version(id), version(b.IDs[typ])}, [2]int{v + 3, v + 1}; got != want {
					t.Errorf("after a bulk update, versions %v, want %v", got, want)
				}
			})
		}
	})
}

// TestReferences: a write naming a missing record, or one of another type,
// is refused with the input field that named it and the type it expects;
// on update, the update input's field.
func TestReferences(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		a := storetest.NewTree(t, c, "a")
		const missing = 999
		for _, r := range []struct {
			want  clienterr.ReferenceError
			write func(context.Context) error
		}{
			{clienterr.ReferenceError{Field: "planID", Type: "AccountPlan", ID: missing}, func(ctx context.Context) error {
				return c.Goal.Create().SetTitle("Goal").SetPlanID(missing).Exec(ctx)
			}},
			{clienterr.ReferenceError{Field: "planID", Type: "AccountPlan", ID: a.IDs[ent.TypeGoal]}, func(ctx context.Context) error {
				return c.Goal.Create().SetTitle("Goal").SetPlanID(a.IDs[ent.TypeGoal]).Exec(ctx)
			}},
			{clienterr.ReferenceError{Field: "accountID", Type: "Account", ID: a.Stakeholder}, func(ctx context.Context) error {
				return c.Stakeholder.Create().SetName("New").SetAccountID(a.Stakeholder).Exec(ctx)
			}},
			{clienterr.ReferenceError{Field: "reportsToID", Type: "Stakeholder", ID: a.User}, func(ctx context.Context) error {
				return c.Stakeholder.UpdateOneID(a.Stakeholder).SetReportsToID(a.User).Exec(ctx)
			}},
			{clienterr.ReferenceError{Field: "ownerID", Type: "User", ID: missing}, func(ctx context.Context) error {
				return c.Account.UpdateOneID(a.Account).SetOwnerID(missing).Exec(ctx)
			}},
			{clienterr.ReferenceError{Field: "productID", Type: "Product", ID: a.User}, func(ctx context.Context) error {
				return c.Opportunity.Create().SetName("Deal").SetAccountID(a.Account).SetProductID(a.User).Exec(ctx)
			}},
			{clienterr.ReferenceError{Field: "attendeeIDs", Type: "User", ID: missing}, func(ctx context.Context) error {
				return c.Review.Create().SetHeldAt(day(1)).SetPlanID(a.IDs[ent.TypeAccountPlan]).AddAttendeeIDs(a.User, missing).Exec(ctx)
			}},
			{clienterr.ReferenceError{Field: "addAttendeeIDs", Type: "User", ID: a.Product}, func(ctx context.Context) error {
				return c.Review.UpdateOneID(a.IDs[ent.TypeReview]).AddAttendeeIDs(a.Product).Exec(ctx)
			}},
			{clienterr.ReferenceError{Field: "addAttendeeIDs", Type: "User", ID: missing}, func(ctx context.Context) error {
				return c.Review.Update().Where(review.ID(a.IDs[ent.TypeReview])).AddAttendeeIDs(missing).Exec(ctx)
			}},
		} {
			refused(t, c, &r.want, r.write)
		}
		ok(t, c.Review.UpdateOneID(a.IDs[ent.TypeReview]).AddAttendeeIDs(a.User).Exec(as))
	})
}

// TestLocalChange: an update that gives no source time, single or in bulk,
// clears the one a sync gave the record; one that gives it keeps it.
func TestLocalChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		a := storetest.NewTree(t, c, "a")
		src := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		id := a.IDs[ent.TypeStakeholder]
		synced := func(what string, want bool) {
			t.Helper()
			if got := c.Stakeholder.GetX(as, id).SourceUpdatedAt; (got != nil) != want || (want && !got.Equal(src)) {
				t.Errorf("%s: source time %v, want it kept: %v", what, got, want)
			}
		}
		c.Stakeholder.UpdateOneID(id).SetTitle("CFO").SetSourceUpdatedAt(src).SaveX(as)
		synced("a sync's update", true)
		c.Stakeholder.UpdateOneID(id).SetTitle("CEO").SaveX(as)
		synced("a single update", false)
		c.Stakeholder.UpdateOneID(id).SetSourceUpdatedAt(src).SaveX(as)
		ok(t, c.Stakeholder.Update().Where(stakeholder.ID(id)).SetNotes("met").Exec(as))
		synced("a bulk update", false)
	})
}
