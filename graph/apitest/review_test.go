package apitest

// The review meeting through the API: kinds and statuses, reviews of an
// account without a plan, customer attendees, the review that raised an action
// item, what a review starts from, and the tier table's health rules.

import (
	"cmp"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/review"
	"github.com/accountplan/accountplan/ent/user"
)

const (
	reviewCreate = `mutation($in: CreateReviewInput!) { createReview(input: $in) {
		id kind status scheduledAt heldAt agenda decisions account { id } accountPlan { id }
		customerAttendees(first: 10) { edges { node { id } } } } }`
	reviewUpdate = `mutation($id: ID!, $in: UpdateReviewInput!) { updateReview(id: $id, input: $in) { id status scheduledAt heldAt } }`
)

// TestReviewMeeting: a review belongs to an account, with or without a plan,
// and keeps heldAt in step with its status; plan, customer attendees and the
// review an action item names are of the same account; each refusal changes
// nothing; the history records the new fields.
func TestReviewMeeting(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		p := newParents(t, e)
		ctx := context.Background()
		other := e.client.Account.Create().SetName("Other").SaveX(ctx)
		stranger := e.client.Stakeholder.Create().SetName("Stranger").SetAccount(other).SaveX(ctx)
		otherPlan := e.client.AccountPlan.Create().SetName("Other plan").SetAccount(other).
			SetPeriodStart(day("2027-01-01")).SetPeriodEnd(day("2027-12-31")).SaveX(ctx)
		otherReview := e.client.Review.Create().SetAccount(other).SetHeldAt(day("2027-02-01")).SaveX(ctx)

		// A tier 3 account's review: no plan, scheduled, customer attendees.
		tier3 := e.must(reviewCreate, map[string]any{"in": map[string]any{
			"accountID": p.account, "kind": "QBR", "status": "SCHEDULED", "scheduledAt": "2027-03-01T10:00:00Z",
			"agenda": "The year in review", "customerAttendeeIDs": []string{p.manager, p.stakeholder}}})["createReview"]
		want := map[string]any{"kind": "QBR", "status": "SCHEDULED", "scheduledAt": "2027-03-01T10:00:00Z",
			"heldAt": "2027-03-01T10:00:00Z", "agenda": "The year in review", "decisions": "",
			"account": map[string]any{"id": p.account}, "accountPlan": nil}
		for k, v := range want {
			if !sameJSON(get(tier3, k), v) {
				t.Errorf("tier 3 review: %s = %v, want %v", k, get(tier3, k), v)
			}
		}
		if n := len(get(tier3, "customerAttendees", "edges").([]any)); n != 2 {
			t.Errorf("tier 3 review: %d customer attendees, want 2", n)
		}
		id := get(tier3, "id").(string)
		if code, field := e.code(`query($id: ID!) { node(id: $id) { ... on Review { plan { id } } } }`, map[string]any{"id": id}); code != "NOT_FOUND" || field != "plan" {
			t.Errorf("plan of a review without one: %s %s, want NOT_FOUND plan", code, field)
		}

		// Held: heldAt takes the scheduled time unless given.
		held := e.must(reviewUpdate, map[string]any{"id": id, "in": map[string]any{"status": "HELD"}})["updateReview"]
		if get(held, "heldAt") != "2027-03-01T10:00:00Z" {
			t.Errorf("held without heldAt: heldAt %v, want the scheduled time", get(held, "heldAt"))
		}
		moved := e.must(reviewUpdate, map[string]any{"id": id, "in": map[string]any{"heldAt": "2027-03-02T09:00:00Z"}})["updateReview"]
		if get(moved, "heldAt") != "2027-03-02T09:00:00Z" || get(moved, "scheduledAt") != "2027-03-01T10:00:00Z" {
			t.Errorf("held a day late: %v", moved)
		}
		cancelled := e.must(reviewUpdate, map[string]any{"id": id, "in": map[string]any{"status": "CANCELLED"}})["updateReview"]
		if get(cancelled, "heldAt") != "2027-03-01T10:00:00Z" || e.client.Review.GetX(ctx, atoi(t, id)).HeldAt != nil {
			t.Errorf("cancelled: heldAt %v (the scheduled time) and stored %v (none)", get(cancelled, "heldAt"), e.client.Review.GetX(ctx, atoi(t, id)).HeldAt)
		}

		// An old client's review: a plan and heldAt only.
		old := e.must(reviewCreate, map[string]any{"in": map[string]any{"planID": p.plan, "heldAt": "2027-04-01T15:00:00Z"}})["createReview"]
		if !sameJSON(old, map[string]any{"id": get(old, "id"), "kind": "QBR", "status": "HELD", "scheduledAt": "2027-04-01T15:00:00Z",
			"heldAt": "2027-04-01T15:00:00Z", "agenda": "", "decisions": "", "account": map[string]any{"id": p.account},
			"accountPlan": map[string]any{"id": p.plan}, "customerAttendees": map[string]any{"edges": []any{}}}) {
			t.Errorf("a review given a plan and heldAt: %v", old)
		}

		before := rootCounts(e, "reviews", "actionItems", "changes")
		for _, c := range []struct {
			name, query string
			vars        map[string]any
			code, field string
		}{
			{"no account nor plan", reviewCreate, map[string]any{"in": map[string]any{"scheduledAt": "2027-03-01T10:00:00Z"}}, "BAD_USER_INPUT", "accountID"},
			{"no time", reviewCreate, map[string]any{"in": map[string]any{"accountID": p.account}}, "BAD_USER_INPUT", "scheduledAt"},
			{"a plan of another account", reviewCreate, map[string]any{"in": map[string]any{"accountID": p.account, "planID": gid(otherPlan.ID), "heldAt": "2027-03-01T10:00:00Z"}}, "BAD_USER_INPUT", "planID"},
			{"a stakeholder of another account", reviewCreate, map[string]any{"in": map[string]any{"planID": p.plan, "heldAt": "2027-03-01T10:00:00Z", "customerAttendeeIDs": []string{p.manager, gid(stranger.ID)}}}, "BAD_USER_INPUT", "customerAttendeeIDs"},
			{"a stakeholder of another account, added", reviewUpdate, map[string]any{"id": id, "in": map[string]any{"addCustomerAttendeeIDs": []string{gid(stranger.ID)}}}, "BAD_USER_INPUT", "addCustomerAttendeeIDs"},
			{"heldAt of a scheduled review", reviewCreate, map[string]any{"in": map[string]any{"accountID": p.account, "status": "SCHEDULED", "heldAt": "2027-03-01T10:00:00Z"}}, "BAD_USER_INPUT", "heldAt"},
			{"heldAt of a cancelled review", reviewUpdate, map[string]any{"id": id, "in": map[string]any{"heldAt": "2027-03-01T10:00:00Z"}}, "BAD_USER_INPUT", "heldAt"},
			{"a held review without heldAt", reviewUpdate, map[string]any{"id": get(old, "id"), "in": map[string]any{"clearHeldAt": true}}, "BAD_USER_INPUT", "clearHeldAt"},
			{"an action item raised by another account's review", `mutation($in: CreateActionItemInput!) { createActionItem(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"title": "Follow up", "planID": p.plan, "reviewID": gid(otherReview.ID)}}, "BAD_USER_INPUT", "reviewID"},
		} {
			if code, field := e.code(c.query, c.vars); code != c.code || field != c.field {
				t.Errorf("%s: %s %s, want %s %s", c.name, code, field, c.code, c.field)
			}
		}
		if after := rootCounts(e, "reviews", "actionItems", "changes"); !sameJSON(after, before) {
			t.Errorf("refused writes changed the counts: %v, before %v", after, before)
		}

		// An action item raised by the review, and the review's history.
		item := e.must(`mutation($in: CreateActionItemInput!) { createActionItem(input: $in) { review { id } } }`,
			map[string]any{"in": map[string]any{"title": "Follow up", "planID": p.plan, "reviewID": id}})["createActionItem"]
		if get(item, "review", "id") != id {
			t.Errorf("the action item's review: %v, want %s", get(item, "review"), id)
		}
		hist := e.must(`query($id: ID!) { node(id: $id) { ... on Review { history(first: 10) { edges { node { operation fields { field new } } } } } } }`,
			map[string]any{"id": id})
		created := get(hist, "node", "history", "edges", 0, "node", "fields")
		var fields []string
		for _, f := range created.([]any) {
			fields = append(fields, get(f, "field").(string))
		}
		for _, f := range []string{"kind", "status", "scheduledAt", "agenda", "accountID", "customerAttendeeIDs"} {
			if !slices.Contains(fields, f) {
				t.Errorf("the review's creation records %v, not %s", fields, f)
			}
		}
	})
}

// TestSenioritySetByAdmins: users edit their own profile, not their seniority.
func TestSenioritySetByAdmins(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, testSettings(), func(t *testing.T, e *env) {
		admin, seller := newUser(t, e, "admin"), newUser(t, e, "seller")
		const set = `mutation($id: ID!) { updateUser(id: $id, input: {seniority: VP}) { seniority } }`
		if code, _ := e.as(newToken(t, e, seller, user.RoleEDITOR, false)).code(set, map[string]any{"id": gid(seller)}); code != "FORBIDDEN" {
			t.Errorf("a user setting their own seniority: %s, want FORBIDDEN", code)
		}
		if got := e.as(newToken(t, e, admin, user.RoleADMIN, false)).must(set, map[string]any{"id": gid(seller)}); get(got, "updateUser", "seniority") != "VP" {
			t.Errorf("an admin setting seniority: %v", got)
		}
	})
}

// atoi is the ent ID of a GraphQL ID.
func atoi(t *testing.T, id string) int {
	t.Helper()
	var n int
	for _, r := range id {
		if r < '0' || r > '9' {
			t.Fatalf("not an ID: %s", id)
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// TestReviewStart: each review's previous review and the action items open
// and completed since then, worked out by hand, for a page of reviews in three
// statements whatever its size.
func TestReviewStart(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		c, ctx := e.client, context.Background()
		at := func(d int) time.Time { return day("2027-01-01").AddDate(0, 0, d) }
		acc := c.Account.Create().SetName("Acme").SaveX(ctx)
		plan := c.AccountPlan.Create().SetName("Plan").SetAccount(acc).SetPeriodStart(at(0)).SetPeriodEnd(at(360)).SaveX(ctx)
		otherPlan := c.AccountPlan.Create().SetName("Older plan").SetAccount(acc).SetPeriodStart(at(-360)).SetPeriodEnd(at(-1)).SaveX(ctx)
		meeting := func(kind review.Kind, status review.Status, d int) *ent.Review {
			r := c.Review.Create().SetAccount(acc).SetKind(kind).SetStatus(status).SetScheduledAt(at(d))
			if d%2 == 0 {
				r.SetPlan(plan) // with or without the plan, a review of the account counts
			}
			return r.SaveX(ctx)
		}
		q1 := meeting(review.KindQBR, review.StatusHELD, 10)
		monthly := meeting(review.KindMONTHLY, review.StatusHELD, 41)
		cancelled := meeting(review.KindMONTHLY, review.StatusCANCELLED, 70)
		q2 := meeting(review.KindQBR, review.StatusSCHEDULED, 100)
		item := func(title string, created int, p *ent.AccountPlan, raised *ent.Review, status actionitem.Status, completed int) {
			i := c.ActionItem.Create().SetTitle(title).SetPlan(p).SetCreatedAt(at(created)).SetStatus(status)
			if raised != nil {
				i.SetReview(raised)
			}
			if status == actionitem.StatusDONE {
				i.SetCompletedAt(at(completed))
			}
			i.ExecX(ctx)
		}
		item("old, open", 5, otherPlan, nil, actionitem.StatusOPEN, 0)
		item("old, done before q1", 5, plan, nil, actionitem.StatusDONE, 8)
		item("old, done between", 5, plan, nil, actionitem.StatusDONE, 20)
		item("old, canceled", 5, plan, nil, actionitem.StatusCANCELED, 0)
		item("raised by q1, entered later, open", 12, plan, q1, actionitem.StatusIN_PROGRESS, 0)
		item("raised by q1, done after monthly", 12, plan, q1, actionitem.StatusDONE, 50)
		item("new after q1, open", 30, plan, nil, actionitem.StatusOPEN, 0)
		item("raised by monthly, open", 42, plan, monthly, actionitem.StatusOPEN, 0)
		other := c.Account.Create().SetName("Other").SaveX(ctx)
		otherItemsPlan := c.AccountPlan.Create().SetName("Other").SetAccount(other).SetPeriodStart(at(0)).SetPeriodEnd(at(360)).SaveX(ctx)
		item("another account's", 1, otherItemsPlan, nil, actionitem.StatusOPEN, 0)

		type start struct {
			Previous  string
			Open      []string
			Completed []string
		}
		want := map[int]start{
			q1.ID:        {"", []string{"old, done between", "old, open"}, []string{"old, done before q1"}},
			monthly.ID:   {"q1", []string{"old, open", "raised by q1, entered later, open", "raised by q1, done after monthly"}, []string{"old, done between"}},
			cancelled.ID: {"monthly", []string{"old, open", "raised by q1, entered later, open", "new after q1, open", "raised by monthly, open"}, []string{"raised by q1, done after monthly"}},
			q2.ID:        {"monthly", []string{"old, open", "raised by q1, entered later, open", "new after q1, open", "raised by monthly, open"}, []string{"raised by q1, done after monthly"}},
		}
		names := map[int]string{q1.ID: "q1", monthly.ID: "monthly"}
		const query = `{ reviews(first: 100, orderBy: [{field: SCHEDULED_AT}]) { edges { node { id previousReview { id }
			actionItemsOpenSincePrevious { title } actionItemsCompletedSincePrevious { title } } } } }`
		titles := func(v any) []string {
			out := []string{}
			for _, it := range v.([]any) {
				out = append(out, get(it, "title").(string))
			}
			return out
		}
		var data map[string]any
		small := e.count(func() { data = e.must(query, nil) })
		for _, edge := range get(data, "reviews", "edges").([]any) {
			n := get(edge, "node")
			id := atoi(t, get(n, "id").(string))
			got := start{Open: titles(get(n, "actionItemsOpenSincePrevious")), Completed: titles(get(n, "actionItemsCompletedSincePrevious"))}
			if prev := get(n, "previousReview", "id"); prev != nil {
				got.Previous = names[atoi(t, prev.(string))]
			}
			w := want[id]
			slices.Sort(w.Open)
			slices.Sort(got.Open)
			if !sameJSON(got, w) {
				t.Errorf("review %d: got %+v\nwant %+v", id, got, w)
			}
		}
		for d := 200; d < 230; d++ {
			meeting(review.KindWEEKLY, review.StatusHELD, d)
		}
		large := e.count(func() { e.must(query, nil) })
		t.Logf("a page of reviews with what each starts from: %d statements for 4 reviews, %d for 34", small, large)
		if small != large || small > 4 {
			t.Errorf("%d statements for 4 reviews, %d for 34; want the same, the page and three", small, large)
		}
	})
}

// TestTierRules: the tier table on accounts built to break each rule, and on
// accounts that keep it.
func TestTierRules(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		c, ctx := e.client, context.Background()
		exec := c.User.Create().SetName("Exec").SetEmail("exec@example.com").SetSeniority(user.SeniorityEXECUTIVE).SaveX(ctx)
		vp := c.User.Create().SetName("VP").SetEmail("vp@example.com").SetSeniority(user.SeniorityVP).SaveX(ctx)
		seller := c.User.Create().SetName("Seller").SetEmail("seller@example.com").SetSeniority(user.SeniorityINDIVIDUAL).SaveX(ctx)
		leader := c.User.Create().SetName("Leader").SetEmail("leader@example.com").SetSeniority(user.SenioritySALES_LEADER).SaveX(ctx)
		unranked := c.User.Create().SetName("Unranked").SetEmail("unranked@example.com").SaveX(ctx)
		type meeting struct {
			kind      review.Kind
			status    review.Status
			daysAgo   int
			attendees []*ent.User
		}
		cases := []struct {
			name    string
			tier    account.Tier
			cadence accountplan.ReviewCadence
			status  accountplan.Status
			reviews []meeting
			want    []string // tier findings
		}{
			{"tier 1 kept", account.TierSTRATEGIC, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 30, []*ent.User{exec, vp, seller}}}, nil},
			{"tier 1 reviewed yearly", account.TierSTRATEGIC, accountplan.ReviewCadenceANNUAL, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 30, []*ent.User{exec, vp}}}, []string{"TIER_REVIEW_CADENCE:WARNING"}},
			{"tier 1 without a QBR for a quarter", account.TierSTRATEGIC, accountplan.ReviewCadenceMONTHLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 120, []*ent.User{exec, vp}}, {review.KindMONTHLY, review.StatusHELD, 10, []*ent.User{seller}},
					{review.KindQBR, review.StatusCANCELLED, 20, []*ent.User{exec, vp}}}, []string{"TIER_REVIEW_CADENCE:WARNING"}},
			{"tier 1 without a QBR for two quarters", account.TierSTRATEGIC, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 200, []*ent.User{exec, vp}}}, []string{"TIER_REVIEW_CADENCE:CRITICAL"}},
			{"tier 1 review without a VP", account.TierSTRATEGIC, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 100, []*ent.User{exec, vp}}, {review.KindQBR, review.StatusHELD, 10, []*ent.User{exec, seller}}}, []string{"TIER1_REVIEW_WITHOUT_LEADERSHIP:WARNING"}},
			{"tier 1 review without executives", account.TierSTRATEGIC, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindEXECUTIVE_BRIEFING, review.StatusHELD, 10, []*ent.User{vp, seller}}}, []string{"TIER1_REVIEW_WITHOUT_LEADERSHIP:WARNING"}},
			{"tier 1 weekly meetings do not count", account.TierSTRATEGIC, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 40, []*ent.User{exec, vp}}, {review.KindWEEKLY, review.StatusHELD, 3, []*ent.User{seller}}}, nil},
			{"tier 1, a draft plan is not judged", account.TierSTRATEGIC, accountplan.ReviewCadenceANNUAL, accountplan.StatusDRAFT, nil, nil},
			{"tier 2 kept", account.TierKEY, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 30, []*ent.User{vp, seller}}}, nil},
			{"tier 2 with executives not asked for", account.TierKEY, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 30, []*ent.User{exec, seller}}}, []string{"TIER2_EXECUTIVES_NOT_SPECIFIED:WARNING"}},
			{"tier 2 with executives asked for", account.TierKEY, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindEXECUTIVE_BRIEFING, review.StatusHELD, 30, []*ent.User{exec, seller}}}, nil},
			{"tier 2 never reviewed", account.TierKEY, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE, nil, []string{"TIER_REVIEW_CADENCE:CRITICAL"}},
			{"tier 3 never reviewed", account.TierGENERAL, accountplan.ReviewCadenceANNUAL, accountplan.StatusACTIVE, nil, nil},
			{"tier 3 reviewed monthly with executives", account.TierGENERAL, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 70, []*ent.User{exec}}, {review.KindQBR, review.StatusHELD, 40, []*ent.User{exec}}, {review.KindQBR, review.StatusHELD, 10, []*ent.User{exec}}}, nil},

			// At the boundaries: a quarter is 89 to 92 days, two are 181 to 184.
			{"tier 1 QBR 88 days ago", account.TierSTRATEGIC, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 88, []*ent.User{exec, vp}}}, nil},
			{"tier 1 QBR 93 days ago", account.TierSTRATEGIC, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 93, []*ent.User{exec, vp}}}, []string{"TIER_REVIEW_CADENCE:WARNING"}},
			{"tier 1 QBR 180 days ago", account.TierSTRATEGIC, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 180, []*ent.User{exec, vp}}}, []string{"TIER_REVIEW_CADENCE:WARNING"}},
			{"tier 1 QBR 185 days ago", account.TierSTRATEGIC, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 185, []*ent.User{exec, vp}}}, []string{"TIER_REVIEW_CADENCE:CRITICAL"}},
			{"tier 1 period started 88 days ago, no QBR yet", account.TierSTRATEGIC, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE, nil, nil},
			{"tier 1 period started 93 days ago, no QBR", account.TierSTRATEGIC, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE, nil, []string{"TIER_REVIEW_CADENCE:WARNING"}},
			{"tier 1 with just an executive and a VP", account.TierSTRATEGIC, accountplan.ReviewCadenceMONTHLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 5, []*ent.User{exec, vp}}}, nil},
			{"tier 1 with a sales leader and a VP", account.TierSTRATEGIC, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 5, []*ent.User{leader, vp}}}, []string{"TIER1_REVIEW_WITHOUT_LEADERSHIP:WARNING"}},
			{"tier 1 with no attendee", account.TierSTRATEGIC, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 5, nil}}, []string{"TIER1_REVIEW_WITHOUT_LEADERSHIP:WARNING"}},
			{"tier 1 with an attendee of no seniority", account.TierSTRATEGIC, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 5, []*ent.User{unranked, vp}}}, []string{"TIER1_REVIEW_WITHOUT_LEADERSHIP:WARNING"}},
			{"tier 1, a QBR scheduled without leaders is not held", account.TierSTRATEGIC, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 20, []*ent.User{exec, vp}}, {review.KindQBR, review.StatusSCHEDULED, -10, []*ent.User{seller}}}, nil},
			{"tier 1, an archived plan is not judged", account.TierSTRATEGIC, accountplan.ReviewCadenceANNUAL, accountplan.StatusARCHIVED, nil, nil},
			{"tier 2 QBR 88 days ago", account.TierKEY, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 88, []*ent.User{vp}}}, nil},
			{"tier 2 QBR 93 days ago", account.TierKEY, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 93, []*ent.User{vp}}}, []string{"TIER_REVIEW_CADENCE:WARNING"}},
			{"tier 2 reviewed yearly", account.TierKEY, accountplan.ReviewCadenceANNUAL, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 30, []*ent.User{vp}}}, []string{"TIER_REVIEW_CADENCE:WARNING"}},
			{"tier 2 briefing without executives", account.TierKEY, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindEXECUTIVE_BRIEFING, review.StatusHELD, 30, []*ent.User{vp, seller}}}, nil},
			{"tier 2, an executive at an earlier QBR only", account.TierKEY, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 60, []*ent.User{exec}}, {review.KindQBR, review.StatusHELD, 10, []*ent.User{vp}}}, nil},
			{"tier 2, an executive at a monthly session", account.TierKEY, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 30, []*ent.User{vp}}, {review.KindMONTHLY, review.StatusHELD, 5, []*ent.User{exec}}}, nil},
			{"tier 2 without a VP", account.TierKEY, accountplan.ReviewCadenceQUARTERLY, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 30, []*ent.User{leader, seller}}}, nil},
			{"tier 3 reviewed yearly on an annual plan", account.TierGENERAL, accountplan.ReviewCadenceANNUAL, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 300, []*ent.User{leader}}}, nil},
			{"tier 3 last reviewed two years ago", account.TierGENERAL, accountplan.ReviewCadenceANNUAL, accountplan.StatusACTIVE,
				[]meeting{{review.KindQBR, review.StatusHELD, 390, nil}}, nil},
		}
		started := map[string]int{"tier 1 period started 88 days ago, no QBR yet": 88, "tier 1 period started 93 days ago, no QBR": 93}
		plans := map[string]string{}
		for _, tc := range cases {
			acc := c.Account.Create().SetName(tc.name).SetTier(tc.tier).SaveX(ctx)
			plan := c.AccountPlan.Create().SetName(tc.name).SetAccount(acc).SetStatus(tc.status).SetReviewCadence(tc.cadence).
				SetPeriodStart(ago(cmp.Or(started[tc.name], 400))).SetPeriodEnd(ago(-200)).SaveX(ctx)
			plans[gid(plan.ID)] = tc.name
			for i, m := range tc.reviews {
				r := c.Review.Create().SetAccount(acc).SetKind(m.kind).SetStatus(m.status).SetScheduledAt(ago(m.daysAgo)).AddAttendees(m.attendees...)
				if i%2 == 0 {
					r.SetPlan(plan)
				}
				r.ExecX(ctx)
			}
		}
		data := e.must(`{ accountPlans(first: 100) { edges { node { id health { findings { rule severity } } } } } }`, nil)
		got := map[string][]string{}
		for _, edge := range get(data, "accountPlans", "edges").([]any) {
			name := plans[get(edge, "node", "id").(string)]
			for _, f := range get(edge, "node", "health", "findings").([]any) {
				if rule := get(f, "rule").(string); len(rule) > 4 && rule[:4] == "TIER" {
					got[name] = append(got[name], rule+":"+get(f, "severity").(string))
				}
			}
		}
		for _, tc := range cases {
			if !slices.Equal(got[tc.name], tc.want) {
				t.Errorf("%s: tier findings %v, want %v", tc.name, got[tc.name], tc.want)
			}
		}

		// A tier 3 account needs no plan and no review: reviewed monthly without a plan, or never, it is GREEN.
		reviewed := c.Account.Create().SetName("tier 3 without a plan, reviewed monthly").SaveX(ctx)
		for _, days := range []int{70, 40, 10} {
			c.Review.Create().SetAccount(reviewed).SetKind(review.KindQBR).SetHeldAt(ago(days)).AddAttendees(exec).ExecX(ctx)
		}
		never := c.Account.Create().SetName("tier 3 without a plan, never reviewed").SaveX(ctx)
		for _, id := range []int{reviewed.ID, never.ID} {
			cov := get(e.must(`query($id: ID!) { node(id: $id) { ... on Account { tier planCoverage { grade findings { rule } } } } }`,
				map[string]any{"id": gid(id)}), "node")
			if !sameJSON(cov, map[string]any{"tier": "GENERAL", "planCoverage": map[string]any{"grade": "GREEN", "findings": []any{}}}) {
				t.Errorf("account %d: %v", id, asJSON(cov))
			}
		}
	})
}

// TestReviewPrivacy: reviews are written like every record of an account: by
// its owner and team, not by another editor, with or without a plan.
func TestReviewPrivacy(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, testSettings(), func(t *testing.T, e *env) {
		ctx := context.Background()
		owner, outsider := newUser(t, e, "owner"), newUser(t, e, "outsider")
		acc := e.client.Account.Create().SetName("Acme").SetOwnerID(owner).SaveX(ctx)
		plan := e.client.AccountPlan.Create().SetName("Plan").SetAccount(acc).SetPeriodStart(day("2027-01-01")).SetPeriodEnd(day("2027-12-31")).SaveX(ctx)
		asOwner, asOutsider := e.as(newToken(t, e, owner, user.RoleEDITOR, false)), e.as(newToken(t, e, outsider, user.RoleEDITOR, false))
		for name, in := range map[string]map[string]any{
			"without a plan": {"accountID": gid(acc.ID), "scheduledAt": "2027-03-01T10:00:00Z"},
			"with a plan":    {"planID": gid(plan.ID), "heldAt": "2027-03-01T10:00:00Z"},
		} {
			if code, _ := asOutsider.code(reviewCreate, map[string]any{"in": in}); code != "FORBIDDEN" {
				t.Errorf("another editor creating a review %s: %s, want FORBIDDEN", name, code)
			}
			created := asOwner.must(reviewCreate, map[string]any{"in": in})
			if code, _ := asOutsider.code(reviewUpdate, map[string]any{"id": get(created, "createReview", "id"), "in": map[string]any{"agenda": "x"}}); code != "FORBIDDEN" {
				t.Errorf("another editor changing a review %s: %s, want FORBIDDEN", name, code)
			}
		}
	})
}
