package outbox_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/outbox"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/store/storetest"
	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/ent/webhookevent"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func admin(t *testing.T, c *ent.Client) context.Context {
	id := c.User.Create().SetName("Ada").SetEmail("ada@example.com").SetRole(user.RoleADMIN).SaveX(context.Background()).ID
	return viewer.NewContext(context.Background(), viewer.Viewer{UserID: id, Role: viewer.RoleAdmin})
}

func types(t *testing.T, c *ent.Client) []string {
	t.Helper()
	events, err := c.WebhookEvent.Query().Order(ent.Asc(webhookevent.FieldID)).All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range events {
		out = append(out, e.Type)
	}
	return out
}

// TestEventsCommitWithTheirChange: the events of a transaction's changes are
// written as it commits, in it; a rolled-back transaction leaves none.
func TestEventsCommitWithTheirChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		tree := storetest.NewTree(t, c, "a")
		as := admin(t, c)

		tx, err := c.Tx(as)
		if err != nil {
			t.Fatal(err)
		}
		ctx := ent.NewTxContext(as, tx)
		tx.Stakeholder.UpdateOneID(tree.Stakeholder).SetSupport(stakeholder.SupportMENTOR).ExecX(ctx)
		tx.Stakeholder.UpdateOneID(tree.Other).SetTitle("CFO").ExecX(ctx)
		if got := types(t, c); len(got) != 0 {
			t.Errorf("before commit the outbox holds %v, want nothing", got)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		want := []string{"stakeholder.updated", outbox.SupportChanged, "stakeholder.updated"}
		if got := types(t, c); !slices.Equal(got, want) {
			t.Errorf("after commit the outbox holds %v, want %v", got, want)
		}
		e := c.WebhookEvent.Query().Where(webhookevent.Type(outbox.SupportChanged)).OnlyX(as)
		var body struct {
			Type string
			Data struct{ ID, Old, New string }
		}
		if err := json.Unmarshal([]byte(e.Payload), &body); err != nil || body.Type != outbox.SupportChanged || body.Data.New != "MENTOR" || body.Data.Old != "NEUTRAL" {
			t.Errorf("support_changed body %s (%v)", e.Payload, err)
		}

		tx, err = c.Tx(as)
		if err != nil {
			t.Fatal(err)
		}
		ctx = ent.NewTxContext(as, tx)
		tx.Stakeholder.UpdateOneID(tree.Stakeholder).SetTitle("CEO").ExecX(ctx)
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		if got := types(t, c); len(got) != len(want) {
			t.Errorf("a rolled-back transaction left events: %v", got)
		}
	})
}

// TestEventsOutsideATransaction: a change made outside a transaction writes its events at once.
func TestEventsOutsideATransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		tree := storetest.NewTree(t, c, "a")
		as := admin(t, c)
		c.Stakeholder.UpdateOneID(tree.Stakeholder).SetTitle("CEO").ExecX(as)
		if got, want := types(t, c), []string{"stakeholder.updated"}; !slices.Equal(got, want) {
			t.Errorf("outbox holds %v, want %v", got, want)
		}
		// The server's own writes are no API change: no history, no event.
		c.Stakeholder.UpdateOneID(tree.Stakeholder).SetTitle("CTO").ExecX(context.Background())
		if got := types(t, c); len(got) != 1 {
			t.Errorf("a write of the server's own left events: %v", got)
		}
	})
}

// TestTypes lists row events of the API's types, never of tokens or endpoints.
func TestTypes(t *testing.T) {
	got := outbox.Types()
	for _, want := range []string{"stakeholder.created", "influenceEdge.deleted", outbox.HealthGradeChanged, outbox.LostSupportivePath} {
		if _, ok := slices.BinarySearch(got, want); !ok {
			t.Errorf("Types lacks %s", want)
		}
	}
	for _, never := range []string{"apiToken.created", "webhookEndpoint.updated", "change.created", "webhookEvent.created"} {
		if slices.Contains(got, never) {
			t.Errorf("Types has %s", never)
		}
	}
}
