package bulk_test

import (
	"context"
	"testing"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/bulk"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestDefersHistoryAndMapVersions: inside a Call, the mutations write no
// history entry and move no map version until Flush, which writes every
// entry and moves each touched account's version once.
func TestDefersHistoryAndMapVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		server := context.Background()
		tree := storetest.NewTree(t, c, "a")
		before := c.Account.GetX(server, tree.Account).MapVersion
		changes := c.Change.Query().CountX(server)

		tx, err := c.Tx(server)
		if err != nil {
			t.Fatal(err)
		}
		ctx, call := bulk.NewContext(viewer.NewContext(server, viewer.Open))
		for _, name := range []string{"One", "Two", "Three"} {
			tx.Stakeholder.Create().SetName(name).SetAccountID(tree.Account).ExecX(ctx)
		}
		if n := tx.Change.Query().CountX(server); n != changes {
			t.Errorf("%d history entries before Flush", n-changes)
		}
		if v := tx.Account.GetX(server, tree.Account).MapVersion; v != before {
			t.Errorf("the map version moved before Flush: %d → %d", before, v)
		}
		if err := call.Flush(ctx, tx.Client()); err != nil {
			t.Fatal(err)
		}
		if n := tx.Change.Query().CountX(server); n != changes+3 {
			t.Errorf("%d history entries after Flush, want 3", n-changes)
		}
		if v := tx.Account.GetX(server, tree.Account).MapVersion; v != before+1 {
			t.Errorf("the map version moved from %d to %d, want one step", before, v)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestNilCall: without a Call nothing is known and nothing deferred.
func TestNilCall(t *testing.T) {
	var call *bulk.Call
	if _, ok := call.AccountOf("Stakeholder", 1); ok || call.DeferChanges(nil) || call.DeferMaps([]int{1}) || !call.Lock(1) || call.Allowed(1) {
		t.Error("a nil Call knows or defers something")
	}
	_, call = bulk.NewContext(context.Background())
	if !call.Lock(7) || call.Lock(7) {
		t.Error("a lock is taken once per call")
	}
}
