package live

import (
	"context"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestLateCommitReachesListeners: on PostgreSQL a change can commit after
// one with a higher ID has been read; it is still announced once it commits.
// (SQLite has one writer at a time, so its IDs commit in order.)
func TestLateCommitReachesListeners(t *testing.T) {
	client := storetest.Postgres(t).Client
	ctx := viewer.NewContext(context.Background(), viewer.Viewer{Role: viewer.RoleAdmin}) // as the API writes
	acme := client.Account.Create().SetName("Acme").SaveX(ctx)
	globex := client.Account.Create().SetName("Globex").SaveX(ctx)
	h := NewHub(client, time.Hour)
	p := &poller{missing: map[int]time.Time{}}
	p.last, _ = newestChange(ctx, client)
	l := &listener{account: acme.ID, signal: make(chan struct{}, 1), cursor: p.last}
	h.listeners[l] = struct{}{}

	slow, err := client.Tx(ctx) // writes the lower ID, commits last
	if err != nil {
		t.Fatal(err)
	}
	slow.Account.UpdateOne(acme).SetName("Acme Holdings").ExecX(ctx)
	client.Account.UpdateOne(globex).SetName("Globex Corp").ExecX(ctx)
	if err := h.poll(ctx, p, time.Now()); err != nil {
		t.Fatal(err)
	}
	if len(p.missing) != 1 || len(l.take()) != 0 {
		t.Fatalf("before the slow commit: missing %v", p.missing)
	}
	if err := slow.Commit(); err != nil {
		t.Fatal(err)
	}
	l.setCursor(p.last) // the stream has read past it by scanning
	if err := h.poll(ctx, p, time.Now()); err != nil {
		t.Fatal(err)
	}
	late := client.Change.Query().Where(change.AccountID(acme.ID)).Order(ent.Desc(change.FieldID)).FirstIDX(ctx)
	if got := l.take(); len(got) != 1 || got[0] != late || len(p.missing) != 0 {
		t.Fatalf("the late change %d: listener took %v, still missing %v", late, got, p.missing)
	}
	// An ID that never appears (a rolled-back write) is given up once it has had time to commit.
	p.missing[p.last+1000] = time.Now()
	if err := h.poll(ctx, p, time.Now().Add(2*h.settle)); err != nil || len(p.missing) != 0 {
		t.Fatalf("after the settle time: missing %v (%v)", p.missing, err)
	}
}

// TestPollerRunsOnlyWhileListened: an idle server reads nothing for live updates.
func TestPollerRunsOnlyWhileListened(t *testing.T) {
	storetest.Each(t, func(t *testing.T, client *ent.Client) {
		ctx := context.Background()
		h := NewHub(client, time.Millisecond)
		l := &listener{signal: make(chan struct{}, 1)}
		if err := h.listen(ctx, l); err != nil {
			t.Fatal(err)
		}
		if h.stop == nil || h.Listening() != 1 {
			t.Fatal("the first listener did not start the poller")
		}
		h.leave(l)
		if h.stop != nil || h.Listening() != 0 {
			t.Fatal("the poller runs with nobody listening")
		}
	})
}
