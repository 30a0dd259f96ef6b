package live

import (
	"context"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/privacy"
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

// TestStreamReadsRecentChangesOnly: a stream's read walks the change IDs
// after its cursor, not the account's whole history, on SQLite (whose
// planner would otherwise take the account index and sort).
func TestStreamReadsRecentChangesOnly(t *testing.T) {
	s := storetest.SQLite(t)
	var query string
	var args []any
	client := ent.NewClient(ent.Driver(dialect.DebugWithContext(entsql.OpenDB(dialect.SQLite, s.DB), func(_ context.Context, v ...any) {
		if q, ok := v[0].(string); ok && strings.Contains(q, "SELECT") {
			query = q
		}
	})))
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	if _, err := client.Change.Query().Where(accountIs(1), change.IDGT(5)).Order(ent.Asc(change.FieldID)).Limit(scanPage).All(ctx); err != nil {
		t.Fatal(err)
	}
	// The logged statement is "driver.Query: query=... args=[...]"; ask SQLite how it runs the same shape.
	start, end := strings.Index(query, "SELECT"), strings.LastIndex(query, " args=")
	if start < 0 || end < start {
		t.Fatalf("no statement in %q", query)
	}
	args = []any{1, 5, scanPage}
	var id, parent, unused int
	var detail string
	if err := s.DB.QueryRow("EXPLAIN QUERY PLAN "+query[start:end], args...).Scan(&id, &parent, &unused, &detail); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(detail, "PRIMARY KEY") {
		t.Fatalf("the stream's read runs as %q, not by the change IDs", detail)
	}
}
