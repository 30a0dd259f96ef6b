package demo_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/icpcriterion"
	"github.com/accountplan/accountplan/ent/influenceedge"
	"github.com/accountplan/accountplan/ent/insight"
	"github.com/accountplan/accountplan/ent/kpimeasurement"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/revenuerecord"
	"github.com/accountplan/accountplan/ent/review"
	_ "github.com/accountplan/accountplan/ent/runtime" // schema hooks and defaults
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/ent/swotitem"
	"github.com/accountplan/accountplan/ent/whitespacecell"
	"github.com/accountplan/accountplan/graph/demo"
	"github.com/accountplan/accountplan/graph/planhealth"
	"github.com/accountplan/accountplan/graph/reviews"
)

// now is the fixed day the tests load the demo for.
var now = time.Date(2026, time.March, 15, 10, 30, 0, 0, time.UTC)

func open(t *testing.T) *ent.Client {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.Client
}

func load(t *testing.T, client *ent.Client) bool {
	t.Helper()
	loaded, err := demo.Load(context.Background(), client, now)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return loaded
}

// check fails the test unless ok, with a message.
func check(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Errorf(format, args...)
	}
}

// values lists the distinct values of a field over rows.
func values[R any, V comparable](rows []R, field func(R) V) []V {
	var seen []V
	for _, r := range rows {
		if v := field(r); !slices.Contains(seen, v) {
			seen = append(seen, v)
		}
	}
	return seen
}

// checkCovers fails the test unless got holds every value of want.
func checkCovers[V comparable](t *testing.T, what string, got, want []V) {
	t.Helper()
	for _, v := range want {
		check(t, slices.Contains(got, v), "%s: no %v", what, v)
	}
}

func TestLoad(t *testing.T) {
	ctx := context.Background()
	client := open(t)
	if !load(t, client) {
		t.Fatal("Load on an empty database reported false")
	}

	accounts := client.Account.Query().WithRevenueRecords().WithParent().Order(account.ByID()).AllX(ctx)
	check(t, len(accounts) == 12, "accounts: got %d, want 12", len(accounts))
	tiers := map[account.Tier]int{}
	for _, a := range accounts {
		tiers[a.Tier]++
	}
	check(t, tiers[account.TierSTRATEGIC] == 2 && tiers[account.TierKEY] == 3 && tiers[account.TierGENERAL] == 7,
		"tiers: got %v, want 2 STRATEGIC, 3 KEY, 7 GENERAL", tiers)
	flagship := accounts[0]
	check(t, flagship.Name == "Northwind Robotics" && flagship.Tier == account.TierSTRATEGIC, "first account: got %s (%s)", flagship.Name, flagship.Tier)
	check(t, slices.ContainsFunc(accounts, func(a *ent.Account) bool { return a.Edges.Parent != nil && a.Edges.Parent.ID == flagship.ID }),
		"no subsidiary under %s", flagship.Name)

	t.Run("org chart", func(t *testing.T) {
		people := flagship.QueryStakeholders().WithReportsTo().AllX(ctx)
		check(t, len(people) >= 25, "stakeholders of %s: got %d, want at least 25", flagship.Name, len(people))
		manager := map[int]int{}
		for _, p := range people {
			if p.Edges.ReportsTo != nil {
				manager[p.ID] = p.Edges.ReportsTo.ID
			}
		}
		depth := 0
		for _, p := range people {
			d := 1
			for id, ok := manager[p.ID]; ok; id, ok = manager[id] {
				d++
			}
			depth = max(depth, d)
		}
		check(t, depth >= 4, "reporting levels: got %d, want at least 4", depth)
		checkCovers(t, "rank", values(people, func(p *ent.Stakeholder) int { return *p.Rank }), []int{1, 2, 3, 4, 5})
		checkCovers(t, "influence", values(people, func(p *ent.Stakeholder) int { return *p.Influence }), []int{1, 2, 3, 4, 5})
		checkCovers(t, "political status", values(people, func(p *ent.Stakeholder) stakeholder.PoliticalStatus { return *p.PoliticalStatus }), []stakeholder.PoliticalStatus{stakeholder.PoliticalStatusNAIVE, stakeholder.PoliticalStatusOBSERVER, stakeholder.PoliticalStatusAGILE, stakeholder.PoliticalStatusASTUTE})
		checkCovers(t, "support", values(people, func(p *ent.Stakeholder) stakeholder.Support { return p.Support }), []stakeholder.Support{stakeholder.SupportMENTOR, stakeholder.SupportSUPPORTER, stakeholder.SupportNEUTRAL, stakeholder.SupportNON_SUPPORTER, stakeholder.SupportENEMY})
		checkCovers(t, "decision orientation", values(people, func(p *ent.Stakeholder) stakeholder.DecisionOrientation { return *p.DecisionOrientation }), []stakeholder.DecisionOrientation{stakeholder.DecisionOrientationFINANCIAL, stakeholder.DecisionOrientationTECHNICAL, stakeholder.DecisionOrientationRELATIONSHIP, stakeholder.DecisionOrientationBUSINESS})
		checkCovers(t, "adaptability", values(people, func(p *ent.Stakeholder) stakeholder.Adaptability { return *p.Adaptability }), []stakeholder.Adaptability{stakeholder.AdaptabilityINNOVATOR, stakeholder.AdaptabilityVISIONARY, stakeholder.AdaptabilityPRAGMATIST, stakeholder.AdaptabilityCONSERVATIVE, stakeholder.AdaptabilityLAGGARD})
		checkCovers(t, "coverage", values(people, func(p *ent.Stakeholder) stakeholder.Coverage { return p.Coverage }), []stakeholder.Coverage{stakeholder.CoverageUNKNOWN, stakeholder.CoverageNO_CONTACT, stakeholder.CoverageBRIEF_CONTACT, stakeholder.CoverageMULTIPLE_CONTACTS, stakeholder.CoverageIN_DEPTH})
		roles := values(people, func(p *ent.Stakeholder) stakeholder.BuyingRole {
			if p.BuyingRole == nil {
				return ""
			}
			return *p.BuyingRole
		})
		checkCovers(t, "buying role", roles, []stakeholder.BuyingRole{stakeholder.BuyingRoleDECISION_MAKER, stakeholder.BuyingRoleAPPROVER, stakeholder.BuyingRoleEVALUATOR, stakeholder.BuyingRoleINFLUENCER, stakeholder.BuyingRoleUSER})
		check(t, slices.ContainsFunc(people, func(p *ent.Stakeholder) bool { return *p.Rank <= 2 && *p.Influence == 5 }), "no hidden influencer (rank ≤ 2, influence 5)")

		edges := client.InfluenceEdge.Query().Where(influenceedge.HasFromWith(stakeholder.HasAccountWith(account.ID(flagship.ID)))).AllX(ctx)
		check(t, len(edges) >= 15 && len(edges) <= 25, "influence edges: got %d, want 15 to 25", len(edges))
		checkCovers(t, "influence edge kind", values(edges, func(e *ent.InfluenceEdge) influenceedge.Kind { return e.Kind }), []influenceedge.Kind{influenceedge.KindINFLUENCES, influenceedge.KindCONFLICTS_WITH, influenceedge.KindINFORMAL})
		n := flagship.QueryStakeholders().QueryRelationships().CountX(ctx)
		check(t, n >= 12, "relationships in %s: got %d, want at least 12", flagship.Name, n)
	})

	t.Run("plans", func(t *testing.T) {
		for _, a := range accounts {
			active := a.QueryPlans().Where(accountplan.StatusEQ(accountplan.StatusACTIVE)).AllX(ctx)
			if a.Tier == account.TierGENERAL {
				check(t, len(active) == 0, "%s: a GENERAL account with %d active plans", a.Name, len(active))
				continue
			}
			if len(active) != 1 {
				t.Errorf("%s: got %d active plans, want 1", a.Name, len(active))
				continue
			}
			p := active[0]
			goals := p.QueryGoals().CountX(ctx)
			check(t, goals >= 3 && goals <= 6, "%s: %d goals, want 3 to 6", p.Name, goals)
			for _, o := range p.QueryGoals().QueryObjectives().WithOwner().WithKpis().AllX(ctx) {
				check(t, o.Edges.Owner != nil && len(o.Edges.Kpis) > 0, "objective %s: no owner or no KPI", o.Title)
			}
			checkCovers(t, p.Name+": insight kind", values(p.QueryInsights().AllX(ctx), func(i *ent.Insight) insight.Kind { return i.Kind }), []insight.Kind{insight.KindGOAL, insight.KindPRESSURE, insight.KindINITIATIVE, insight.KindOBSTACLE, insight.KindSOLUTION})
			checkCovers(t, p.Name+": SWOT kind", values(p.QuerySwotItems().AllX(ctx), func(s *ent.SwotItem) swotitem.Kind { return s.Kind }), []swotitem.Kind{swotitem.KindSTRENGTH, swotitem.KindWEAKNESS, swotitem.KindOPPORTUNITY, swotitem.KindTHREAT})
			check(t, p.QueryFeedback().CountX(ctx) >= 2, "%s: less than two feedback", p.Name)
			attendees := p.QueryReviews().QueryAttendees().CountX(ctx)
			check(t, attendees > 0, "%s: reviews without attendees", p.Name)
			reviews := p.QueryReviews().AllX(ctx)
			check(t, slices.ContainsFunc(reviews, func(r *ent.Review) bool { return r.HeldAt != nil && now.Sub(*r.HeldAt) < 30*24*time.Hour }), "%s: no recent review", p.Name)
		}
		check(t, client.AccountPlan.Query().Where(accountplan.StatusEQ(accountplan.StatusARCHIVED)).ExistX(ctx), "no archived plan")
		feedbackKinds := values(client.Feedback.Query().AllX(ctx), func(f *ent.Feedback) string { return f.Kind.String() })
		check(t, len(feedbackKinds) >= 3, "feedback kinds: got %v, want at least 3", feedbackKinds)
	})

	t.Run("KPIs", func(t *testing.T) {
		for _, k := range client.KPI.Query().AllX(ctx) {
			history := k.QueryMeasurements().Order(kpimeasurement.ByMeasuredAt()).AllX(ctx)
			if len(history) < 4 || len(history) > 6 {
				t.Errorf("KPI %s: %d measurements, want 4 to 6", k.Name, len(history))
				continue
			}
			newest := history[len(history)-1].Value
			check(t, k.CurrentValue != nil && *k.CurrentValue == newest, "KPI %s: current value %v, want the newest measurement %s", k.Name, k.CurrentValue, newest)
		}
	})

	t.Run("action items", func(t *testing.T) {
		overdue := client.ActionItem.Query().Where(actionitem.DueAtLT(now), actionitem.StatusNotIn(actionitem.StatusDONE, actionitem.StatusCANCELED)).CountX(ctx)
		check(t, overdue >= 1, "no overdue action item")
		check(t, client.ActionItem.Query().Where(actionitem.HasStakeholderOwner()).ExistX(ctx), "no action item owned by a stakeholder")
		done := client.ActionItem.Query().Where(actionitem.StatusEQ(actionitem.StatusDONE)).AllX(ctx)
		check(t, len(done) > 0, "no action item done")
		for _, a := range done {
			check(t, a.CompletedAt != nil && a.CompletedAt.Before(now), "%s: done without a completion time in the past", a.Title)
		}
	})

	t.Run("whitespace", func(t *testing.T) {
		cells := client.WhitespaceCell.Query().AllX(ctx)
		checkCovers(t, "whitespace status", values(cells, func(c *ent.WhitespaceCell) whitespacecell.Status { return c.Status }), []whitespacecell.Status{whitespacecell.StatusIN_USE, whitespacecell.StatusOPPORTUNITY, whitespacecell.StatusCOMPETITOR, whitespacecell.StatusNOT_A_FIT, whitespacecell.StatusUNKNOWN})
		for _, c := range cells {
			check(t, (c.Status == whitespacecell.StatusCOMPETITOR) == (c.Competitor != ""), "cell %d: status %s with competitor %q", c.ID, c.Status, c.Competitor)
		}
		check(t, slices.ContainsFunc(cells, func(c *ent.WhitespaceCell) bool { return c.PotentialValue == nil }), "no cell with an empty potential")
	})

	t.Run("revenue", func(t *testing.T) {
		churned := 0
		for _, a := range accounts {
			records := a.Edges.RevenueRecords
			slices.SortFunc(records, func(x, y *ent.RevenueRecord) int { return x.PeriodStart.Compare(y.PeriodStart) })
			if len(records) != 8 {
				t.Errorf("%s: %d revenue records, want 8", a.Name, len(records))
				continue
			}
			end := records[0].StartingRevenue
			for _, r := range records {
				check(t, r.StartingRevenue == end, "%s: quarter %s starts at %d, the previous one ended at %d", a.Name, r.PeriodStart.Format(time.DateOnly), r.StartingRevenue, end)
				check(t, r.PeriodEnd.After(r.PeriodStart) && r.PeriodEnd.Before(now), "%s: period %s to %s", a.Name, r.PeriodStart, r.PeriodEnd)
				end = r.StartingRevenue + r.Expansion - r.Contraction - r.Churn
			}
			check(t, a.AnnualRevenue == end, "%s: annual revenue %d, but the last quarter ended at %d", a.Name, a.AnnualRevenue, end)
			if records[0].StartingRevenue > 0 && end == 0 {
				churned++
			}
		}
		check(t, churned >= 1, "no account churned completely")
		check(t, client.RevenueRecord.Query().Where(revenuerecord.ChurnGT(0)).CountX(ctx) >= 2, "want churn in at least two records")
	})

	t.Run("opportunities", func(t *testing.T) {
		deals := client.Opportunity.Query().AllX(ctx)
		stages := values(deals, func(o *ent.Opportunity) opportunity.Stage { return o.Stage })
		checkCovers(t, "stage", stages, []opportunity.Stage{opportunity.StageCLOSED_WON, opportunity.StageCLOSED_LOST})
		check(t, len(stages) > 2, "no open opportunity")
		for _, o := range deals {
			closed := o.Stage == opportunity.StageCLOSED_WON || o.Stage == opportunity.StageCLOSED_LOST
			check(t, closed == (o.ClosedAt != nil), "%s: stage %s, closed at %v", o.Name, o.Stage, o.ClosedAt)
			check(t, o.OpenedAt.After(now.AddDate(0, -27, 0)) && o.OpenedAt.Before(now), "%s: opened at %s, not in the eight quarters before now", o.Name, o.OpenedAt)
			if o.ClosedAt != nil {
				check(t, !o.ClosedAt.Before(o.OpenedAt) && o.ClosedAt.Before(now), "%s: opened %s, closed %s", o.Name, o.OpenedAt, val(o.ClosedAt))
			}
		}
		check(t, client.Opportunity.Query().Where(opportunity.HasPlan()).ExistX(ctx), "no opportunity tied to a plan")
	})

	t.Run("ideal customer profile", func(t *testing.T) {
		criteria := client.IcpCriterion.Query().AllX(ctx)
		check(t, len(criteria) >= 25, "ICP criteria: got %d, want at least 25", len(criteria))
		checkCovers(t, "ICP attribute", values(criteria, func(c *ent.IcpCriterion) icpcriterion.Attribute { return c.Attribute }), []icpcriterion.Attribute{icpcriterion.AttributeINDUSTRY, icpcriterion.AttributeSELLERS, icpcriterion.AttributeREGION, icpcriterion.AttributeMATURITY, icpcriterion.AttributeVP_SALES_CONTACT, icpcriterion.AttributeVP_SALES_OPERATIONS_CONTACT})
		checkCovers(t, "ICP grade", values(criteria, func(c *ent.IcpCriterion) icpcriterion.Grade { return c.Grade }), []icpcriterion.Grade{icpcriterion.GradeIDEAL, icpcriterion.GradeCAUTION, icpcriterion.GradeOFF_STRATEGY})
		ranges := client.IcpCriterion.Query().Where(icpcriterion.AttributeEQ(icpcriterion.AttributeSELLERS)).AllX(ctx)
		check(t, len(ranges) == 3, "seller ranges: got %d, want 3", len(ranges))
		// Every industry of the demo accounts but two, left unknown on purpose, has a criterion.
		graded := values(criteria, func(c *ent.IcpCriterion) string { return strings.ToLower(val0(c.Value)) })
		var ungraded []string
		for _, a := range accounts {
			if !slices.Contains(graded, strings.ToLower(a.Industry)) {
				ungraded = append(ungraded, a.Industry)
			}
		}
		check(t, slices.Equal(ungraded, []string{"Manufacturing", "Media"}), "industries without a criterion: %v", ungraded)
	})

	t.Run("reviews", func(t *testing.T) {
		// The flagship's meetings: every kind and status, customer attendees, items they raised.
		mine := flagship.QueryReviews().WithCustomerAttendees().WithActionItems().AllX(ctx)
		kinds := values(mine, func(r *ent.Review) review.Kind { return r.Kind })
		statuses := values(mine, func(r *ent.Review) review.Status { return r.Status })
		checkCovers(t, "flagship review kind", kinds, []review.Kind{review.KindMONTHLY, review.KindQBR, review.KindEXECUTIVE_BRIEFING})
		checkCovers(t, "flagship review status", statuses, []review.Status{review.StatusSCHEDULED, review.StatusHELD, review.StatusCANCELLED})
		check(t, slices.ContainsFunc(mine, func(r *ent.Review) bool { return len(r.Edges.CustomerAttendees) > 0 && len(r.Edges.ActionItems) > 0 }),
			"no flagship review with customer attendees that raised action items")
		// A tier 3 account's review, without a plan.
		check(t, client.Review.Query().Where(review.PlanIDIsNil(), review.HasAccountWith(account.TierEQ(account.TierGENERAL))).ExistX(ctx),
			"no review of a GENERAL account without a plan")
		// The demo keeps the tier table: no ACTIVE plan breaks a tier rule.
		health := planhealth.NewLoader(client, now)
		for _, p := range client.AccountPlan.Query().Where(accountplan.StatusEQ(accountplan.StatusACTIVE)).AllX(ctx) {
			h, err := health.PlanHealth(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range h.Findings {
				check(t, !strings.HasPrefix(string(f.Rule), "TIER"), "%s breaks the tier table: %s", p.Name, f.Message)
			}
		}
		// The next QBR starts from the last one and the items still open.
		next := client.Review.Query().Where(review.AccountID(flagship.ID), review.StatusEQ(review.StatusSCHEDULED)).OnlyX(ctx)
		start, err := reviews.NewLoader(client).Start(ctx, next)
		if err != nil {
			t.Fatal(err)
		}
		check(t, start.Previous != nil && start.Previous.Kind == review.KindQBR && start.Previous.Decisions != "", "the next QBR's previous review: %v", start.Previous)
		check(t, len(start.Open) >= 2 && len(start.Completed) >= 1, "the next QBR starts from %d open and %d completed items", len(start.Open), len(start.Completed))
	})

	t.Run("second load", func(t *testing.T) {
		before := dump(t, client)
		if load(t, client) {
			t.Fatal("a second Load reported true")
		}
		check(t, slices.Equal(before, dump(t, client)), "a second Load changed the data")
	})
}

func TestLoadIsDeterministic(t *testing.T) {
	first, second := open(t), open(t)
	load(t, first)
	load(t, second)
	a, b := dump(t, first), dump(t, second)
	check(t, len(a) > 500, "dump: only %d lines", len(a))
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			t.Fatalf("the loads differ at line %d:\n%s\n%s", i, a[i], b[i])
		}
	}
	check(t, len(a) == len(b), "dumps of %d and %d lines", len(a), len(b))
}

// dump lists the demo data by name and value, sorted, leaving out IDs and the times rows were written.
func dump(t *testing.T, c *ent.Client) []string {
	t.Helper()
	ctx := context.Background()
	var lines []string
	add := func(kind string, fields ...any) { lines = append(lines, kind+" "+fmt.Sprintf("%v", fields)) }
	for _, a := range c.Account.Query().WithOwner().AllX(ctx) {
		add("account", a.Name, a.Tier, a.Industry, *a.Sellers, a.Country, *a.Maturity, *a.Culture, a.AnnualRevenue, a.Edges.Owner.Name)
	}
	for _, s := range c.Stakeholder.Query().WithAccount().WithReportsTo().WithBusinessUnit().AllX(ctx) {
		manager, unit := "", ""
		if s.Edges.ReportsTo != nil {
			manager = s.Edges.ReportsTo.Name
		}
		if s.Edges.BusinessUnit != nil {
			unit = s.Edges.BusinessUnit.Name
		}
		add("stakeholder", s.Edges.Account.Name, s.Name, s.Title, unit, manager, *s.Rank, *s.Influence, s.Support, s.Email)
	}
	for _, e := range c.InfluenceEdge.Query().WithFrom().WithTo().AllX(ctx) {
		add("edge", e.Edges.From.Name, e.Edges.To.Name, e.Kind, e.Strength)
	}
	for _, r := range c.Relationship.Query().WithUser().WithStakeholder().AllX(ctx) {
		add("relationship", r.Edges.User.Name, r.Edges.Stakeholder.Name, r.CurrentLevel, *r.LastContactAt)
	}
	for _, w := range c.WhitespaceCell.Query().WithBusinessUnit().WithProduct().AllX(ctx) {
		add("cell", w.Edges.BusinessUnit.Name, w.Edges.Product.Name, w.Status, val(w.PotentialValue), w.CurrentValue, w.Competitor)
	}
	for _, p := range c.AccountPlan.Query().AllX(ctx) {
		add("plan", p.Name, p.Status, p.PeriodStart, p.PeriodEnd)
	}
	for _, g := range c.Goal.Query().WithPlan().AllX(ctx) {
		add("goal", g.Edges.Plan.Name, g.Title, *g.Baseline, *g.Target, *g.DueAt)
	}
	for _, o := range c.Objective.Query().WithGoal().AllX(ctx) {
		add("objective", o.Edges.Goal.Title, o.Title, o.Status, *o.DueAt)
	}
	for _, k := range c.KPIMeasurement.Query().WithKpi().AllX(ctx) {
		add("measurement", k.Edges.Kpi.Name, *k.Edges.Kpi.CurrentValue, k.Value, k.MeasuredAt)
	}
	for _, a := range c.ActionItem.Query().WithPlan().AllX(ctx) {
		add("action", a.Edges.Plan.Name, a.Title, a.Status, *a.DueAt, val(a.CompletedAt))
	}
	for _, r := range c.Review.Query().WithAccount().WithPlan().WithAttendees().WithCustomerAttendees().WithActionItems().AllX(ctx) {
		plan := ""
		if r.Edges.Plan != nil {
			plan = r.Edges.Plan.Name
		}
		add("review", r.Edges.Account.Name, plan, r.Kind, r.Status, r.ScheduledAt, val(r.HeldAt), r.Agenda, r.Decisions,
			len(r.Edges.Attendees), len(r.Edges.CustomerAttendees), len(r.Edges.ActionItems))
	}
	for _, i := range c.Insight.Query().AllX(ctx) {
		add("insight", i.Kind, i.Text, i.Confirmed)
	}
	for _, f := range c.Feedback.Query().AllX(ctx) {
		add("feedback", f.Kind, *f.Score, f.Text, f.ReceivedAt)
	}
	for _, o := range c.Opportunity.Query().WithAccount().AllX(ctx) {
		add("opportunity", o.Edges.Account.Name, o.Name, o.Amount, o.Stage, o.OpenedAt, val(o.ClosedAt))
	}
	for _, i := range c.IcpCriterion.Query().AllX(ctx) {
		add("icp", i.Attribute, val(i.Value), val(i.MinSellers), val(i.MaxSellers), i.Grade, i.Note)
	}
	for _, r := range c.RevenueRecord.Query().WithAccount().AllX(ctx) {
		add("revenue", r.Edges.Account.Name, r.PeriodStart, r.StartingRevenue, r.Expansion, r.Contraction, r.Churn)
	}
	slices.Sort(lines)
	return lines
}

// val0 is what a nullable string holds, or "".
func val0(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// val is what a nullable field holds, for the dump.
func val[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
