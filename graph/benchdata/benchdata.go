// Package benchdata writes the data the screen benchmarks and the load tool
// read, in the shape of issue 15's measurements: accounts each with plans,
// goals and objectives, opportunities, and a reporting tree of stakeholders
// with influence edges (drawn by orgmap.Generate).
package benchdata

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/migrate"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/graph/orgmap"
)

// Size says how much to write.
type Size struct {
	Accounts       int
	Stakeholders   int // per account, in a reporting tree
	InfluenceEdges int // per account
	Seed           uint64
}

// Issue is the size of issue 15's measurements: 1,000 accounts, 2,000 plans,
// 10,000 objectives, 50,000 stakeholders and 100,000 influence edges.
var Issue = Size{Accounts: 1000, Stakeholders: 50, InfluenceEdges: 100, Seed: 1}

// Per account: 2 plans (one active) of 2 goals, the first goal with 3
// objectives and the second with 2; 3 opportunities, one of them won.
const (
	plans         = 2
	goals         = 2
	opportunities = 3
)

// Generate writes the accounts, named "Account 0001" and up so that ordering
// by name is creation order, and returns their IDs in that order. On
// PostgreSQL it then vacuums and analyses the tables, as autovacuum would in production.
func Generate(ctx context.Context, client *ent.Client, size Size) ([]int, error) {
	ids := make([]int, 0, size.Accounts)
	for i := range size.Accounts {
		id, err := orgmap.Generate(ctx, client, orgmap.GenerateOptions{
			Name: fmt.Sprintf("Account %04d", i+1), Stakeholders: size.Stakeholders,
			InfluenceEdges: size.InfluenceEdges, Relationships: size.Stakeholders / 5, Seed: size.Seed + uint64(i),
		})
		if err != nil {
			return nil, err
		}
		if err := planning(ctx, client, id); err != nil {
			return nil, fmt.Errorf("generate plans of account %d: %w", id, err)
		}
		ids = append(ids, id)
	}
	if client.Dialect() == dialect.Postgres {
		if err := vacuum(ctx, client); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// vacuum does what autovacuum would do after the inserts, if it is on (it is
// off on some test servers): analyse the tables, without which the planner
// scans whole tables for IN lists, and mark their pages all-visible, without
// which every index-only scan (the counts) reads each row from the table too.
func vacuum(ctx context.Context, client *ent.Client) error {
	names := make([]string, len(migrate.Tables))
	for i, t := range migrate.Tables {
		names[i] = `"` + t.Name + `"`
	}
	if _, err := client.ExecContext(ctx, "VACUUM (ANALYZE) "+strings.Join(names, ", ")); err != nil {
		return fmt.Errorf("vacuum and analyze the generated tables: %w", err)
	}
	return nil
}

// planning writes one account's plans, goals, objectives and opportunities in one transaction.
func planning(ctx context.Context, client *ent.Client, account int) error {
	tx, err := client.Tx(ctx)
	if err != nil {
		return err
	}
	if err := fill(ctx, tx.Client(), account); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

func fill(ctx context.Context, c *ent.Client, account int) error {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	creates := make([]*ent.AccountPlanCreate, plans)
	for p := range creates {
		creates[p] = c.AccountPlan.Create().SetName(fmt.Sprintf("Plan %d", p+1)).SetAccountID(account).
			SetPeriodStart(start.AddDate(p, 0, 0)).SetPeriodEnd(start.AddDate(p+1, 0, 0))
		if p == 0 {
			creates[p].SetStatus(accountplan.StatusACTIVE)
		}
	}
	saved, err := c.AccountPlan.CreateBulk(creates...).Save(ctx)
	if err != nil {
		return err
	}
	var goalCreates []*ent.GoalCreate
	for _, plan := range saved {
		for g := range goals {
			goalCreates = append(goalCreates, c.Goal.Create().SetTitle(fmt.Sprintf("Goal %d", g+1)).SetPlanID(plan.ID))
		}
	}
	savedGoals, err := c.Goal.CreateBulk(goalCreates...).Save(ctx)
	if err != nil {
		return err
	}
	var objectives []*ent.ObjectiveCreate
	for i, goal := range savedGoals {
		for o := range 3 - i%2 {
			objectives = append(objectives, c.Objective.Create().SetTitle(fmt.Sprintf("Objective %d", o+1)).SetGoalID(goal.ID))
		}
	}
	if err := c.Objective.CreateBulk(objectives...).Exec(ctx); err != nil {
		return err
	}
	opps := make([]*ent.OpportunityCreate, opportunities)
	for o := range opps {
		opps[o] = c.Opportunity.Create().SetName(fmt.Sprintf("Deal %d", o+1)).SetAccountID(account).
			SetAmount(int64(o+1) * 1_000_000).SetOpenedAt(start)
		if o == 0 {
			opps[o].SetStage(opportunity.StageCLOSED_WON).SetClosedAt(start.AddDate(0, 3, 0))
		}
	}
	return c.Opportunity.CreateBulk(opps...).Exec(ctx)
}
