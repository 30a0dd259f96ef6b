package apitest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/review"
	"github.com/accountplan/accountplan/ent/user"
)

// TestHealthAsOfAppliesTheTierTable: plan health rebuilt as of a time applies
// the tier table with the account's tier and reviews then. A GENERAL account
// whose last QBR had no executive or VP becomes STRATEGIC: the diff across
// the change opens TIER1_REVIEW_WITHOUT_LEADERSHIP; adding an executive and a
// VP to that QBR resolves it; a quarter after the QBR, TIER_REVIEW_CADENCE
// opens. planAsOf's health at each time says the same, and now equals the
// plan's health.
func TestHealthAsOfAppliesTheTierTable(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		c, ctx := e.client, context.Background()
		exec := c.User.Create().SetName("Exec").SetEmail("exec@example.com").SetSeniority(user.SeniorityEXECUTIVE).SaveX(ctx)
		vp := c.User.Create().SetName("VP").SetEmail("vp@example.com").SetSeniority(user.SeniorityVP).SaveX(ctx)
		seller := c.User.Create().SetName("Seller").SetEmail("seller@example.com").SetSeniority(user.SeniorityINDIVIDUAL).SaveX(ctx)
		acc := c.Account.Create().SetName("Tiered").SetTier(account.TierGENERAL).SaveX(ctx)
		plan := c.AccountPlan.Create().SetName("Tiered plan").SetAccount(acc).SetStatus(accountplan.StatusACTIVE).
			SetReviewCadence(accountplan.ReviewCadenceQUARTERLY).SetPeriodStart(ago(400)).SetPeriodEnd(ago(-200)).SaveX(ctx)
		qbr := c.Review.Create().SetPlan(plan).SetKind(review.KindQBR).SetHeldAt(ago(10)).AddAttendees(seller).SaveX(ctx)
		c.Review.Create().SetAccount(acc).SetKind(review.KindWEEKLY).SetHeldAt(ago(3)).AddAttendees(seller).ExecX(ctx)
		instant := func() string {
			time.Sleep(2 * time.Millisecond)
			defer time.Sleep(2 * time.Millisecond)
			return time.Now().UTC().Format(time.RFC3339Nano)
		}

		general := instant()
		e.must(`mutation($id: ID!) { updateAccount(id: $id, input: {tier: STRATEGIC}) { id } }`, map[string]any{"id": gid(acc.ID)})
		strategic := instant()
		e.must(`mutation($id: ID!, $u: [ID!]) { updateReview(id: $id, input: {addAttendeeIDs: $u}) { id } }`,
			map[string]any{"id": gid(qbr.ID), "u": []string{gid(exec.ID), gid(vp.ID)}})
		led := instant()
		quarterLater := time.Now().UTC().AddDate(0, 3, 0).Format(time.RFC3339Nano)

		tierRules := func(findings any) string {
			var rules []string
			for _, f := range findings.([]any) {
				if r := get(f, "rule").(string); strings.HasPrefix(r, "TIER") {
					rules = append(rules, r+":"+get(f, "severity").(string))
				}
			}
			return strings.Join(rules, " ")
		}
		for _, c := range []struct {
			from, to         string
			opened, resolved string
		}{
			{general, strategic, "TIER1_REVIEW_WITHOUT_LEADERSHIP:WARNING", ""},
			{strategic, led, "", "TIER1_REVIEW_WITHOUT_LEADERSHIP:WARNING"},
			{general, led, "", ""},
			{led, quarterLater, "TIER_REVIEW_CADENCE:WARNING", ""},
		} {
			d := get(e.must(`query($p: ID!, $f: Time!, $t: Time!) { planDiff(planID: $p, from: {at: $f}, to: {at: $t}) {
				findingsOpened { rule severity } findingsResolved { rule severity } } }`,
				map[string]any{"p": gid(plan.ID), "f": c.from, "t": c.to}), "planDiff")
			if got := tierRules(get(d, "findingsOpened")); got != c.opened {
				t.Errorf("planDiff(%s, %s): tier findings opened %q, want %q", c.from, c.to, got, c.opened)
			}
			if got := tierRules(get(d, "findingsResolved")); got != c.resolved {
				t.Errorf("planDiff(%s, %s): tier findings resolved %q, want %q", c.from, c.to, got, c.resolved)
			}
		}

		const asOf = `query($p: ID!, $t: Time!) { planAsOf(planID: $p, asOf: $t) { health { grade findings { rule severity message } } } }`
		for at, want := range map[string]string{general: "", strategic: "TIER1_REVIEW_WITHOUT_LEADERSHIP:WARNING", led: "", quarterLater: "TIER_REVIEW_CADENCE:WARNING"} {
			h := get(e.must(asOf, map[string]any{"p": gid(plan.ID), "t": at}), "planAsOf", "health")
			if got := tierRules(get(h, "findings")); got != want {
				t.Errorf("planAsOf(%s).health: tier findings %q, want %q", at, got, want)
			}
		}
		// Now, the rebuilt health is the plan's health.
		now := get(e.must(asOf, map[string]any{"p": gid(plan.ID), "t": instant()}), "planAsOf", "health")
		current := get(e.must(`query($p: ID!) { node(id: $p) { ... on AccountPlan { health { grade findings { rule severity message } } } } }`,
			map[string]any{"p": gid(plan.ID)}), "node", "health")
		if !sameJSON(now, current) {
			t.Errorf("planAsOf(now).health = %v\nplan.health = %v", asJSON(now), asJSON(current))
		}
		if findings := get(current, "findings").([]any); slices.ContainsFunc(findings, func(f any) bool { return strings.HasPrefix(get(f, "rule").(string), "TIER") }) {
			t.Errorf("a STRATEGIC account reviewed 10 days ago with an executive and a VP: %v", asJSON(findings))
		}
	})
}
