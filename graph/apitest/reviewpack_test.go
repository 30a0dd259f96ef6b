package apitest

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/feedback"
	"github.com/accountplan/accountplan/ent/whitespacecell"
)

const reviewPackQuery = `query($p: ID!, $s: PointInTime) { reviewPack(planID: $p, since: $s) {
	plan { name } since until sinceReview { id kind }
	goals { goal { title target } objectives { objective { title } kpis { name currentValue target } actionItems { title } } }
	overdueActionItems { title dueAt }
	planDiff { added { type title } changed { type title } actionItemsCompleted { title } actionItemsSlipped { reason } healthFrom healthTo }
	orgMapDiff { joined { id } left { id } healthTo { grade } }
	metrics { rows { periodLabel currency startingRevenue netRevenueRetention { value } winRate { value } } }
	whitespace { status currentValue }
	feedback { kind text }
	markdown } }`

// TestReviewPackStatements: the review pack runs as many statements for a
// plan with one record of each kind as for one of many goals, objectives,
// KPIs, action items, people, whitespace cells and feedback, and lists them all.
func TestReviewPackStatements(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, withoutMapCache(testSettings()), func(t *testing.T, e *env) {
		ctx := context.Background()
		c := e.client
		p := newParents(t, e)
		// One record of each kind, so that no eager load is skipped for want of rows.
		accID, unitID := atoi(t, p.account), atoi(t, p.businessUnit)
		c.WhitespaceCell.Create().SetAccountID(accID).SetBusinessUnitID(unitID).SetProductID(atoi(t, p.product)).SaveX(ctx)
		c.ActionItem.Create().SetTitle("Kick off").SetPlanID(atoi(t, p.plan)).SetObjectiveID(atoi(t, p.objective)).SaveX(ctx)
		time.Sleep(2 * time.Millisecond)
		since := map[string]any{"at": time.Now().UTC().Format(time.RFC3339Nano)}
		time.Sleep(2 * time.Millisecond)
		vars := map[string]any{"p": p.plan, "s": since}
		var d map[string]any
		small := e.count(func() { d = e.must(reviewPackQuery, vars) })
		if n := len(get(d, "reviewPack", "goals").([]any)); n != 1 {
			t.Fatalf("%d goals in the small pack", n)
		}

		past := time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339)
		id := func(r map[string]any, path ...any) string { return get(r, path...).(string) }
		for i := range 6 {
			g := id(e.must(`mutation($p: ID!, $t: String!) { createGoal(input: {planID: $p, title: $t}) { id } }`,
				map[string]any{"p": p.plan, "t": "Goal " + gid(i)}), "createGoal", "id")
			for j := range 3 {
				o := id(e.must(`mutation($g: ID!, $t: String!) { createObjective(input: {goalID: $g, title: $t}) { id } }`,
					map[string]any{"g": g, "t": "Objective " + gid(j)}), "createObjective", "id")
				e.must(`mutation($o: ID!, $n: String!) { createKPI(input: {objectiveID: $o, name: $n, target: "10", currentValue: "4"}) { id } }`,
					map[string]any{"o": o, "n": "KPI " + gid(j)})
				e.must(`mutation($p: ID!, $o: ID!, $t: String!, $d: Time!) { createActionItem(input: {planID: $p, objectiveID: $o, title: $t, dueAt: $d}) { id } }`,
					map[string]any{"p": p.plan, "o": o, "t": "Overdue " + gid(i) + gid(j), "d": past})
			}
			s := id(e.must(`mutation($a: ID!, $n: String!) { createStakeholder(input: {accountID: $a, name: $n}) { id } }`,
				map[string]any{"a": p.account, "n": "Person " + gid(i)}), "createStakeholder", "id")
			e.must(`mutation($a: ID!, $n: String!, $m: ID!) { createStakeholder(input: {accountID: $a, name: $n, reportsToID: $m}) { id } }`,
				map[string]any{"a": p.account, "n": "Report " + gid(i), "m": s})
			pr := c.Product.Create().SetName("Product " + gid(i)).SaveX(ctx)
			c.WhitespaceCell.Create().SetAccountID(accID).SetBusinessUnitID(unitID).SetProductID(pr.ID).SetStatus(whitespacecell.StatusOPPORTUNITY).SaveX(ctx)
			c.Feedback.Create().SetAccountID(accID).SetPlanID(atoi(t, p.plan)).SetKind(feedback.KindACCOUNT_INTERVIEW).SetText("Said " + gid(i)).SaveX(ctx)
		}
		large := e.count(func() { d = e.must(reviewPackQuery, vars) })
		pack := get(d, "reviewPack")
		for _, c := range []struct {
			what      string
			got, want int
		}{
			{"goals", len(get(pack, "goals").([]any)), 7},
			{"overdue action items", len(get(pack, "overdueActionItems").([]any)), 18},
			{"records added", len(get(pack, "planDiff", "added").([]any)), 6 + 18 + 18 + 18},
			{"people joined", len(get(pack, "orgMapDiff", "joined").([]any)), 12},
			{"whitespace cells", len(get(pack, "whitespace").([]any)), 7},
			{"feedback", len(get(pack, "feedback").([]any)), 6},
		} {
			if c.got != c.want {
				t.Errorf("%s: %d, want %d", c.what, c.got, c.want)
			}
		}
		// Refusals: an unknown plan or review, a point naming neither or in the future.
		for _, c := range []struct {
			plan        string
			since       map[string]any
			code, field string
		}{
			{gid(1), nil, "NOT_FOUND", "planID"},
			{p.plan, map[string]any{"reviewID": gid(1)}, "NOT_FOUND", "since.reviewID"},
			{p.plan, map[string]any{}, "BAD_USER_INPUT", "since"},
			{p.plan, map[string]any{"at": "2199-01-01T00:00:00Z"}, "BAD_USER_INPUT", "since"},
		} {
			if code, field := e.code(reviewPackQuery, map[string]any{"p": c.plan, "s": c.since}); code != c.code || field != c.field {
				t.Errorf("reviewPack(%s, %v): %s %s, want %s %s", c.plan, c.since, code, field, c.code, c.field)
			}
		}
		t.Logf("review pack: %d statements for the small plan, %d for the large one", small, large)
		if small != large {
			t.Errorf("statements grow with the plan: %d for the small plan, %d for the large one", small, large)
		}
	})
}

// TestReviewPackDemo: the flagship demo plan's pack starts at its last held
// review and its Markdown holds every section and the org map in a mermaid
// block.
func TestReviewPackDemo(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		acc := demoAccount(t, e, "Northwind Robotics")
		plan := e.client.Account.Query().Where(account.ID(acc)).QueryPlans().Where(accountplan.StatusEQ(accountplan.StatusACTIVE)).FirstIDX(context.Background())
		pack := get(e.must(reviewPackQuery, map[string]any{"p": gid(plan)}), "reviewPack")
		if get(pack, "sinceReview") == nil {
			t.Errorf("the pack does not start at a review: since %v", get(pack, "since"))
		}
		md := get(pack, "markdown").(string)
		var headings []string
		for _, l := range strings.Split(md, "\n") {
			if strings.HasPrefix(l, "#") {
				headings = append(headings, regexp.MustCompile(`:.*`).ReplaceAllString(l, ""))
			}
		}
		want := "# Review pack|## Goals and KPIs|## Action items|### Overdue|### Completed since|### Slipped since|## What changed in the plan|" +
			"## What changed in the org map|## Org map|## Metrics|## Whitespace|## Feedback since"
		if got := strings.Join(headings, "|"); got != want {
			t.Errorf("headings:\n got %s\nwant %s", got, want)
		}
		if !regexp.MustCompile("(?s)\n```mermaid\nflowchart TD\n.*Marcus Bell.*\n```\n").MatchString(md) {
			t.Errorf("no mermaid block with the map:\n%s", md)
		}
		// The README's example.
		e.must(`query ReviewPack($plan: ID!) {
  reviewPack(planID: $plan) {
    since sinceReview { kind heldAt }
    goals { goal { title target } objectives { objective { title } kpis { name currentValue target unit } } }
    overdueActionItems { title dueAt }
    planDiff { actionItemsCompleted { title } actionItemsSlipped { actionItem { title } reason } healthFrom healthTo }
    orgMapDiff { joined { stakeholder { name } } healthFrom { grade } healthTo { grade } }
    metrics { rows { periodLabel currency netRevenueRetention { value } winRate { value } opportunitiesWon opportunitiesLost pipelineAmount } }
    whitespace { status potentialValue } feedback { kind score text }
    markdown
  }
}`, map[string]any{"plan": gid(plan)})
		t.Logf("the flagship's review pack:\n%s", md)
	})
}
