package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/insight"
	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// benchPlans is how many plans BenchmarkPlanHealthList lists, in pages of 100.
const benchPlans = 1000

// BenchmarkPlanHealthList lists the health of 1,000 plans on SQLite through
// the HTTP handler, in ten pages of 100, and reports the SQL statements per
// listing. Run it with:
//
//	go test ./graph/ -run '^$' -bench BenchmarkPlanHealthList -benchmem
func BenchmarkPlanHealthList(b *testing.B) {
	s, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	generatePlans(b, s.Client, benchPlans)
	var stmts atomic.Int64
	counted := &countingDriver{Driver: entsql.OpenDB(s.Dialect, s.DB), n: &stmts}
	srv := httptest.NewServer(httpedge.NewHandler(counted, testSettings()))
	defer srv.Close()

	const q = `query($after: Cursor) { accountPlans(first: 100, after: $after) { pageInfo { hasNextPage endCursor }
		edges { node { id name health { grade findings { rule severity message } } } } } }`
	list := func() {
		var after any
		plans := 0
		for {
			var resp struct {
				Data struct {
					AccountPlans struct {
						PageInfo struct {
							HasNextPage bool
							EndCursor   string
						}
						Edges []struct {
							Node struct{ Health struct{ Grade string } }
						}
					}
				}
				Errors []any
			}
			benchPost(b, srv.URL+"/query", q, map[string]any{"after": after}, &resp)
			page := resp.Data.AccountPlans
			if len(resp.Errors) > 0 || len(page.Edges) == 0 || page.Edges[0].Node.Health.Grade == "" {
				b.Fatalf("bad page: %+v", resp)
			}
			plans += len(page.Edges)
			if !page.PageInfo.HasNextPage {
				break
			}
			after = page.PageInfo.EndCursor
		}
		if plans != benchPlans {
			b.Fatalf("listed %d plans, want %d", plans, benchPlans)
		}
	}
	list() // warm the query cache and the connection pool
	b.ReportAllocs()
	stmts.Store(0)
	n := 0
	for b.Loop() {
		list()
		n++
	}
	b.ReportMetric(float64(stmts.Load())/float64(n), "statements/op")
}

func benchPost(b *testing.B, url, query string, vars map[string]any, out any) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		b.Fatal(err)
	}
}

// benchMust posts a request and returns its answer, failing on any error.
func benchMust(b *testing.B, url, query string, vars map[string]any) result {
	var r result
	benchPost(b, url, query, vars, &r)
	if len(r.Errors) > 0 {
		b.Fatalf("%+v", r.Errors)
	}
	return r
}

// generatePlans writes n plans, four to an account, each with 4 goals of 2
// objectives (one in three without an owner, each with a KPI but one in
// four), 6 action items (two overdue, one done), 4 quarterly reviews and 3
// insights (confirmed on two plans in three). Rows go in bulk, 500 at a time.
func generatePlans(b *testing.B, c *ent.Client, n int) {
	b.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	day := func(d int) time.Time { return now.AddDate(0, 0, d) }
	owner := c.User.Create().SetName("Owner").SetEmail("owner@example.com").SaveX(ctx)
	accounts := make([]*ent.AccountCreate, n/4)
	for i := range accounts {
		accounts[i] = c.Account.Create().SetName(fmt.Sprintf("Account %04d", i))
	}
	accs := bulk(ctx, accounts, c.Account.CreateBulk)
	plans := make([]*ent.AccountPlanCreate, n)
	for i := range plans {
		plans[i] = c.AccountPlan.Create().SetName(fmt.Sprintf("Plan %04d", i)).SetAccount(accs[i/4]).SetOwner(owner).
			SetStatus(accountplan.StatusACTIVE).SetPeriodStart(day(-200)).SetPeriodEnd(day(165))
	}
	ps := bulk(ctx, plans, c.AccountPlan.CreateBulk)
	var goals []*ent.GoalCreate
	var items []*ent.ActionItemCreate
	var reviews []*ent.ReviewCreate
	var insights []*ent.InsightCreate
	for i, p := range ps {
		for g := range 4 {
			goals = append(goals, c.Goal.Create().SetTitle(fmt.Sprintf("Goal %d", g)).SetPlan(p))
		}
		for a := range 6 {
			item := c.ActionItem.Create().SetTitle(fmt.Sprintf("Item %d", a)).SetPlan(p).SetDueAt(day(20 - 10*a))
			if a == 5 {
				item.SetStatus(actionitem.StatusDONE)
			}
			items = append(items, item)
		}
		for r := range 4 {
			reviews = append(reviews, c.Review.Create().SetPlan(p).SetHeldAt(day(-100*r-20*(i%6))))
		}
		for k := range 3 {
			insights = append(insights, c.Insight.Create().SetPlan(p).SetKind(insight.KindGOAL).
				SetText(fmt.Sprintf("Insight %d", k)).SetConfirmed(k == 0 && i%3 != 0))
		}
	}
	gs := bulk(ctx, goals, c.Goal.CreateBulk)
	bulk(ctx, items, c.ActionItem.CreateBulk)
	bulk(ctx, reviews, c.Review.CreateBulk)
	bulk(ctx, insights, c.Insight.CreateBulk)
	var objectives []*ent.ObjectiveCreate
	for i, g := range gs {
		for o := range 2 {
			obj := c.Objective.Create().SetTitle(fmt.Sprintf("Objective %d", o)).SetGoal(g)
			if (2*i+o)%3 != 0 {
				obj.SetOwner(owner)
			}
			objectives = append(objectives, obj)
		}
	}
	objs := bulk(ctx, objectives, c.Objective.CreateBulk)
	var kpis []*ent.KPICreate
	for i, o := range objs {
		if i%4 != 0 {
			kpis = append(kpis, c.KPI.Create().SetName("KPI").SetObjective(o))
		}
	}
	bulk(ctx, kpis, c.KPI.CreateBulk)
}

// bulk saves creates in chunks that stay under SQLite's limit on statement parameters.
func bulk[C any, B interface{ SaveX(context.Context) []R }, R any](ctx context.Context, creates []C, createBulk func(...C) B) []R {
	var out []R
	for len(creates) > 0 {
		n := min(len(creates), 500)
		out = append(out, createBulk(creates[:n]...).SaveX(ctx)...)
		creates = creates[n:]
	}
	return out
}
