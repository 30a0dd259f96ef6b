package upsert_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/store/storetest"
	"github.com/accountplan/accountplan/graph/upsert"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestRowsByTags(t *testing.T) {
	title, boss, rank := "CFO", "s1", 4
	src := time.Date(2026, 1, 2, 3, 4, 5, 6789, time.FixedZone("x", 3600))
	rows := upsert.Rows([]*upsert.StakeholderInput{{ExternalID: "s2", AccountExternalID: "a", Name: "Ana", Title: &title, Rank: &rank, ReportsToExternalID: &boss, SourceUpdatedAt: &src}})
	r := rows[0]
	if r.ExternalID != "s2" || r.Fields["name"] != "Ana" || r.Fields["title"] != "CFO" || r.Fields["rank"] != 4 || len(r.Fields) != 3 {
		t.Errorf("fields: %+v", r)
	}
	if len(r.Refs) != 2 || r.Refs[0] != (upsert.Ref{Input: "accountExternalID", Field: stakeholder.FieldAccountID, Type: ent.TypeAccount, Key: "a", Fixed: true}) ||
		r.Refs[1] != (upsert.Ref{Input: "reportsToExternalID", Field: stakeholder.FieldReportsToID, Type: ent.TypeStakeholder, Key: "s1"}) {
		t.Errorf("refs: %+v", r.Refs)
	}
	if r.Source == nil || !r.Source.Equal(src) {
		t.Errorf("source: %v", r.Source)
	}
}

// TestRun: rows in any order, a replay that changes nothing, and a cycle
// refused with the index of a row on it.
func TestRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		ctx := viewer.NewContext(context.Background(), viewer.Open)
		c.Account.Create().SetName("Acme").SetExternalID("acme").ExecX(ctx)
		boss := "s0"
		in := []*upsert.StakeholderInput{
			{ExternalID: "s1", AccountExternalID: "acme", Name: "Report", ReportsToExternalID: &boss},
			{ExternalID: "s0", AccountExternalID: "acme", Name: "Boss"},
		}
		run := func(in []*upsert.StakeholderInput, mode upsert.Mode) (*upsert.Payload, error) {
			tx, err := c.Tx(ctx)
			if err != nil {
				t.Fatal(err)
			}
			p, err := upsert.Run(ent.NewTxContext(ctx, tx), tx.Client(), ent.TypeStakeholder, upsert.Rows(in), mode)
			if err != nil {
				_ = tx.Rollback()
				return nil, err
			}
			return p, tx.Commit()
		}
		p, err := run(in, upsert.Atomic)
		if err != nil || p.Created() != 2 {
			t.Fatalf("%v %+v", err, p)
		}
		report := c.Stakeholder.Query().Where(stakeholder.ExternalID("s1")).OnlyX(ctx)
		if report.ReportsToID == nil || *report.ReportsToID != *p.Results[1].ID {
			t.Errorf("s1 reports to %v, want %d", report.ReportsToID, *p.Results[1].ID)
		}
		if p, err := run(in, upsert.Atomic); err != nil || p.Unchanged() != 2 {
			t.Errorf("replay: %v %+v", err, p)
		}
		loop := "s1"
		in[1].ReportsToExternalID = &loop
		_, err = run(in, upsert.Atomic)
		var row *upsert.RowError
		var input *clienterr.InputError
		if !errors.As(err, &row) || row.Index != 0 || !errors.As(err, &input) || input.Field != "reportsToExternalID" {
			t.Errorf("a cycle: %v", err)
		}
	})
}

// An action item names its plan by external ID or by our ID, one of them;
// our ID is a reference of its own, apart from external IDs.
func TestActionItemRows(t *testing.T) {
	plan, id := "p1", 42
	rows := upsert.Rows([]*upsert.ActionItemInput{
		{ExternalID: "a", PlanExternalID: &plan, Title: "By external ID"},
		{ExternalID: "b", PlanID: &id, Title: "By our ID"},
		{ExternalID: "c", Title: "No plan"},
		{ExternalID: "d", PlanExternalID: &plan, PlanID: &id, Title: "Two plans"},
	})
	if rows[0].Invalid != nil || rows[1].Invalid != nil || rows[2].Invalid == nil || rows[3].Invalid == nil {
		t.Errorf("invalid: %v %v %v %v", rows[0].Invalid, rows[1].Invalid, rows[2].Invalid, rows[3].Invalid)
	}
	if got := rows[1].Refs[0]; got.ID != 42 || got.Type != ent.TypeAccountPlan || !got.Fixed || got.Input != "planID" {
		t.Errorf("planID: %+v", got)
	}
	if got := rows[0].Refs[0]; got.ID != 0 || got.Key != "p1" || got.Input != "planExternalID" {
		t.Errorf("planExternalID: %+v", got)
	}
}

// TestLocksBounded: on PostgreSQL a call holds at most LockSlots locks on
// its external IDs, whatever its rows, so that large concurrent calls leave
// room in PostgreSQL's one lock table for every session.
func TestLocksBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		if c.Dialect() != dialect.Postgres {
			t.Skip("SQLite's writers queue: no locks")
		}
		ctx := viewer.NewContext(context.Background(), viewer.Open)
		c.Account.Create().SetName("Big Co").SetExternalID("big").ExecX(ctx)
		in := make([]*upsert.StakeholderInput, 2*upsert.LockSlots)
		for i := range in {
			in[i] = &upsert.StakeholderInput{ExternalID: fmt.Sprint("p", i), AccountExternalID: "big", Name: fmt.Sprint("Person ", i)}
		}
		tx, err := c.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := upsert.Run(ent.NewTxContext(ctx, tx), tx.Client(), ent.TypeStakeholder, upsert.Rows(in), upsert.Atomic); err != nil {
			t.Fatal(err)
		}
		// Two-key advisory locks show objsubid 2.
		rows, err := tx.QueryContext(ctx, `SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND pid = pg_backend_pid()`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var held int
		if !rows.Next() || rows.Scan(&held) != nil {
			t.Fatal("no count of the locks")
		}
		if held == 0 || held > upsert.LockSlots {
			t.Errorf("held %d locks on external IDs for %d rows, want 1 to %d", held, len(in), upsert.LockSlots)
		}
	})
}
