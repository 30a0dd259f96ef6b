package outbox_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/ent/user"
)

// timing counts the statements run, and the statements and time spent on the outbox's table.
type timing struct {
	all, outbox atomic.Int64
	outboxNs    atomic.Int64
}

func (t *timing) note(query string, start time.Time) {
	t.all.Add(1)
	if strings.Contains(query, "webhook_events") {
		t.outbox.Add(1)
		t.outboxNs.Add(int64(time.Since(start)))
	}
}

type timedDriver struct {
	dialect.Driver
	t *timing
}

func (d timedDriver) Exec(ctx context.Context, q string, args, v any) error {
	defer d.t.note(q, time.Now())
	return d.Driver.Exec(ctx, q, args, v)
}

func (d timedDriver) Query(ctx context.Context, q string, args, v any) error {
	defer d.t.note(q, time.Now())
	return d.Driver.Query(ctx, q, args, v)
}

func (d timedDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	return timedTx{Tx: tx, t: d.t}, err
}

type execContext interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (d timedDriver) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	defer d.t.note(q, time.Now())
	return d.Driver.(execContext).ExecContext(ctx, q, args...)
}

func (tx timedTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	defer tx.t.note(q, time.Now())
	return tx.Tx.(execContext).ExecContext(ctx, q, args...)
}

type timedTx struct {
	dialect.Tx
	t *timing
}

func (tx timedTx) Exec(ctx context.Context, q string, args, v any) error {
	defer tx.t.note(q, time.Now())
	return tx.Tx.Exec(ctx, q, args, v)
}

func (tx timedTx) Query(ctx context.Context, q string, args, v any) error {
	defer tx.t.note(q, time.Now())
	return tx.Tx.Query(ctx, q, args, v)
}

// BenchmarkMutationOutbox: a stakeholder update in its own transaction, as
// a GraphQL mutation makes it (history and outbox included), and the part
// of it the outbox takes: statements and time.
func BenchmarkMutationOutbox(b *testing.B) {
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var t timing
	c := ent.NewClient(ent.Driver(timedDriver{Driver: entsql.OpenDB(s.Dialect, s.DB), t: &t}))
	id := c.User.Create().SetName("Ada").SetEmail("ada@example.com").SetRole(user.RoleADMIN).SaveX(ctx).ID
	as := viewer.NewContext(ctx, viewer.Viewer{UserID: id, Role: viewer.RoleAdmin})
	acc := c.Account.Create().SetName("bench").SaveX(ctx)
	person := c.Stakeholder.Create().SetName("person").SetAccountID(acc.ID).SaveX(ctx).ID
	t.all.Store(0)
	t.outbox.Store(0)
	t.outboxNs.Store(0)
	b.ResetTimer()
	for i := range b.N {
		tx, err := c.Tx(as)
		if err != nil {
			b.Fatal(err)
		}
		tx.Stakeholder.UpdateOneID(person).SetTitle(fmt.Sprint(i)).ExecX(ent.NewTxContext(as, tx))
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(t.all.Load())/n, "stmts/op")
	b.ReportMetric(float64(t.outbox.Load())/n, "outbox-stmts/op")
	b.ReportMetric(float64(t.outboxNs.Load())/n, "outbox-ns/op")
}
