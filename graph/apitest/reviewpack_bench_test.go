package apitest

// Benchmarks of planDiff, orgMapDiff and reviewPack through the real HTTP
// handler on SQLite, from the last held review to now, with the map cache
// on (the server's default):
//
//	go test ./graph/apitest -run '^$' -bench 'Diff|ReviewPack' -benchmem
//
// flagship is the demo's Northwind Robotics expansion plan with its QBRs, and
// 60 changes of its plan and map made through the API over the 4 days since
// its last QBR; large is a plan of 6 goals, 48 objectives, 144 KPIs and 192
// action items on the generated 5,000-person account, with 3,000 changes of
// the map and 600 of the plan over the month before now, its last QBR 15
// days ago. Each reports ns/op, allocs/op, stmts/op and cpu-ms/op.

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/goal"
	"github.com/accountplan/accountplan/ent/kpi"
	"github.com/accountplan/accountplan/ent/objective"
	"github.com/accountplan/accountplan/ent/review"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph/demo"
	"github.com/accountplan/accountplan/graph/httpedge"
)

const (
	planDiffQuery = `query($p: ID!, $r: ID!, $t: Time!) { planDiff(planID: $p, from: {reviewID: $r}, to: {at: $t}) {
		added { type id title } removed { type id title } changed { type id title fields { field old new } }
		kpis { kpi { id name } from to target towardTarget } actionItemsCompleted { id title } actionItemsSlipped { actionItem { id title } reason }
		healthFrom healthTo findingsOpened { rule message } findingsResolved { rule message } } }`
	orgMapDiffQuery = `query($a: ID!, $r: ID!, $t: Time!) { orgMapDiff(accountID: $a, from: {reviewID: $r}, to: {at: $t}) {
		joined { id stakeholder { name } } left { id } moved { node { id } managerFrom { id } managerTo { id } }
		supportChanges { node { id } from to } politicalStatusChanges { node { id } from to }
		keyPlayersGained { id } keyPlayersLost { id } healthFrom { grade } healthTo { grade } decisionMakers { node { id } from to } } }`
)

// serveStore is a benchServer over a store already written.
func serveStore(b *testing.B, s *store.Store, accountID int) *benchServer {
	bs := &benchServer{client: s.Client, account: accountID}
	counted := &countingDriver{Driver: entsql.OpenDB(s.Dialect, s.DB), n: &bs.stmts}
	srv := httptest.NewServer(httpedge.NewHandler(counted, testSettings()))
	b.Cleanup(srv.Close)
	bs.url = srv.URL + "/query"
	return bs
}

// spreadChanges moves the times of the changes after id `after` evenly over
// the span before now, oldest first, and the account and plan's creation
// before them, as if the edits had been made day by day.
func spreadChanges(b *testing.B, c *ent.Client, after int, span time.Duration, accountID, planID int) {
	ctx := context.Background()
	ids := c.Change.Query().Where(change.IDGT(after)).Order(change.ByID()).IDsX(ctx)
	now := time.Now().UTC()
	tx, err := c.Tx(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for i, id := range ids {
		at := now.Add(-span).Add(time.Duration(i) * span / time.Duration(len(ids)))
		if _, err := tx.ExecContext(ctx, "UPDATE changes SET at = ? WHERE id = ?", at, id); err != nil {
			b.Fatal(err)
		}
	}
	for _, table := range []struct {
		name string
		id   int
	}{{"accounts", accountID}, {"account_plans", planID}} {
		if _, err := tx.ExecContext(ctx, "UPDATE "+table.name+" SET created_at = ? WHERE id = ?", now.Add(-400*24*time.Hour), table.id); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// editPlan makes n changes of the plan through the client as a signed-in
// user: KPI values, objective statuses, action items done or moved later.
func editPlan(b *testing.B, c *ent.Client, planID, n int) {
	ctx := viewer.NewContext(context.Background(), viewer.Open)
	kpis := c.KPI.Query().Where(kpi.HasObjectiveWith(objective.HasGoalWith(goal.PlanID(planID)))).IDsX(ctx)
	objectives := c.Objective.Query().Where(objective.HasGoalWith(goal.PlanID(planID))).IDsX(ctx)
	items := c.ActionItem.Query().Where(actionitem.PlanID(planID)).AllX(ctx)
	for i := range n {
		switch i % 4 {
		case 0:
			c.KPI.UpdateOneID(kpis[i%len(kpis)]).SetCurrentValue(fmt.Sprint(i)).ExecX(ctx)
		case 1:
			c.Objective.UpdateOneID(objectives[i%len(objectives)]).SetStatus(objective.StatusIN_PROGRESS).ExecX(ctx)
		case 2:
			c.ActionItem.UpdateOneID(items[i%len(items)].ID).SetStatus(actionitem.StatusDONE).ExecX(ctx)
		default:
			it := items[i%len(items)]
			due := time.Now().AddDate(0, 1, 0)
			if it.DueAt != nil {
				due = it.DueAt.AddDate(0, 0, 14)
			}
			c.ActionItem.UpdateOneID(it.ID).SetDueAt(due).ExecX(ctx)
		}
	}
}

// editMap makes n changes of the account's map as a signed-in user: support
// and political status, titles, and a newcomer every tenth.
func editMap(b *testing.B, c *ent.Client, accountID, n int) {
	ctx := viewer.NewContext(context.Background(), viewer.Open)
	people := c.Stakeholder.Query().Where(stakeholder.AccountID(accountID)).IDsX(ctx)
	supports := []stakeholder.Support{"MENTOR", "SUPPORTER", "NEUTRAL", "NON_SUPPORTER"}
	for i := range n {
		id := people[(i*7)%len(people)]
		switch {
		case i%10 == 9:
			c.Stakeholder.Create().SetAccountID(accountID).SetName(fmt.Sprint("Newcomer ", i)).SetReportsToID(id).ExecX(ctx)
		case i%2 == 0:
			c.Stakeholder.UpdateOneID(id).SetSupport(supports[i%len(supports)]).ExecX(ctx)
		default:
			c.Stakeholder.UpdateOneID(id).SetTitle(fmt.Sprint("Title ", i)).ExecX(ctx)
		}
	}
}

// packBench is what the three requests ask for.
type packBench struct {
	bs             *benchServer
	plan, review   int
	account        int
	planDiffVars   map[string]any
	orgMapDiffVars map[string]any
}

func (p *packBench) run(b *testing.B) {
	b.Run("planDiff", func(b *testing.B) { p.bs.run(b, planDiffQuery, p.planDiffVars) })
	b.Run("orgMapDiff", func(b *testing.B) { p.bs.run(b, orgMapDiffQuery, p.orgMapDiffVars) })
	b.Run("reviewPack", func(b *testing.B) { p.bs.run(b, reviewPackQuery, map[string]any{"p": gid(p.plan)}) })
}

func newPackBench(bs *benchServer, planID, reviewID int) *packBench {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	return &packBench{bs: bs, plan: planID, review: reviewID, account: bs.account,
		planDiffVars:   map[string]any{"p": gid(planID), "r": gid(reviewID), "t": now},
		orgMapDiffVars: map[string]any{"a": gid(bs.account), "r": gid(reviewID), "t": now}}
}

func BenchmarkDiffsAndReviewPack(b *testing.B) {
	b.Run("flagship", func(b *testing.B) {
		ctx := context.Background()
		s, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		c := s.Client
		if _, err := demo.Load(ctx, c, time.Now()); err != nil {
			b.Fatal(err)
		}
		acc := c.Account.Query().Where(account.Name("Northwind Robotics")).OnlyIDX(ctx)
		plan := c.AccountPlan.Query().Where(accountplan.AccountID(acc), accountplan.StatusEQ(accountplan.StatusACTIVE)).OnlyIDX(ctx)
		last := c.Review.Query().Where(review.PlanID(plan), review.StatusEQ(review.StatusHELD), review.KindEQ(review.KindQBR)).
			Order(ent.Desc(review.FieldHeldAt)).FirstX(ctx)
		before, err := c.Change.Query().Order(ent.Desc(change.FieldID)).FirstID(ctx)
		if err != nil && !ent.IsNotFound(err) {
			b.Fatal(err)
		}
		editPlan(b, c, plan, 30)
		editMap(b, c, acc, 30)
		spreadChanges(b, c, before, 4*24*time.Hour, acc, plan)
		newPackBench(serveStore(b, s, acc), plan, last.ID).run(b)
	})
	b.Run("large", func(b *testing.B) {
		bs := newBenchServer(b)
		ctx := viewer.NewContext(context.Background(), viewer.Open)
		c := bs.client
		owner := c.User.Create().SetName("Owner").SetEmail("owner@example.com").SetSeniority(user.SeniorityVP).SaveX(ctx)
		plan := c.AccountPlan.Create().SetName("Large plan").SetAccountID(bs.account).SetOwnerID(owner.ID).SetStatus(accountplan.StatusACTIVE).
			SetPeriodStart(time.Now().AddDate(0, -6, 0)).SetPeriodEnd(time.Now().AddDate(0, 6, 0)).SaveX(ctx).ID
		for g := range 6 {
			gl := c.Goal.Create().SetPlanID(plan).SetTitle(fmt.Sprint("Goal ", g)).SetTarget("100").SaveX(ctx)
			for o := range 8 {
				ob := c.Objective.Create().SetGoalID(gl.ID).SetTitle(fmt.Sprint("Objective ", g, o)).SetOwnerID(owner.ID).SaveX(ctx)
				for k := range 3 {
					c.KPI.Create().SetObjectiveID(ob.ID).SetName(fmt.Sprint("KPI ", k)).SetTarget("10").SetCurrentValue("1").ExecX(ctx)
				}
				for a := range 4 {
					c.ActionItem.Create().SetPlanID(plan).SetObjectiveID(ob.ID).SetTitle(fmt.Sprint("Item ", g, o, a)).
						SetDueAt(time.Now().AddDate(0, 0, a*10-15)).ExecX(ctx)
				}
			}
		}
		editPlan(b, c, plan, 600)
		bs.withMonthOfHistory(b)
		spreadChanges(b, c, 0, 30*24*time.Hour, bs.account, plan)
		last := c.Review.Create().SetPlanID(plan).SetKind(review.KindQBR).SetHeldAt(time.Now().AddDate(0, 0, -15)).AddAttendeeIDs(owner.ID).SaveX(context.Background())
		newPackBench(bs, plan, last.ID).run(b)
	})
}
