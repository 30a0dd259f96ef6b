package planhealth

import (
	"reflect"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
)

var now = time.Date(2026, time.March, 15, 12, 0, 0, 0, time.UTC)

// daysAgo is midnight n days before now.
func daysAgo(n int) time.Time {
	return time.Date(now.Year(), now.Month(), now.Day()-n, 0, 0, 0, 0, time.UTC)
}

// healthy is an active plan that breaks no rule; each case changes one thing.
func healthy() Plan {
	return Plan{
		Status: accountplan.StatusACTIVE, ReviewCadence: accountplan.ReviewCadenceQUARTERLY,
		PeriodStart: daysAgo(200), Goals: 4, LastReview: daysAgo(30), Insights: 3, Confirmed: 1,
		ActionItems: []ActionItem{{Title: "Later", DueAt: daysAgo(-5)}},
	}
}

func TestEvaluate(t *testing.T) {
	cases := []struct {
		name   string
		change func(p *Plan)
		want   []Finding // nil: none
		grade  Grade
	}{
		{"healthy", func(p *Plan) {}, nil, Green},
		{"3 goals is enough", func(p *Plan) { p.Goals = 3 }, nil, Green},
		{"6 goals is not too many", func(p *Plan) { p.Goals = 6 }, nil, Green},
		{"2 goals", func(p *Plan) { p.Goals = 2 },
			[]Finding{{GoalsOutOfRange, Warning, "The plan has 2 goals; the playbook asks for 3 to 6."}}, Amber},
		{"1 goal", func(p *Plan) { p.Goals = 1 },
			[]Finding{{GoalsOutOfRange, Warning, "The plan has 1 goal; the playbook asks for 3 to 6."}}, Amber},
		{"7 goals", func(p *Plan) { p.Goals = 7 },
			[]Finding{{GoalsOutOfRange, Warning, "The plan has 7 goals; the playbook asks for 3 to 6."}}, Amber},
		{"objectives without owner", func(p *Plan) { p.ObjectivesWithoutOwner = []string{"A", "B", "C", "D", "E"} },
			[]Finding{{ObjectiveWithoutOwner, Warning, `5 objectives have no owner: "A", "B", "C" and 2 more.`}}, Amber},
		{"objective without KPI", func(p *Plan) { p.ObjectivesWithoutKPI = []string{"Land the pilot"} },
			[]Finding{{ObjectiveWithoutKPI, Warning, `1 objective has no KPI: "Land the pilot".`}}, Amber},
		{"no insight", func(p *Plan) { p.Insights, p.Confirmed = 0, 0 },
			[]Finding{{NoConfirmedInsight, Warning, "The plan records no customer insight, so the customer has confirmed none."}}, Amber},
		{"no insight confirmed", func(p *Plan) { p.Confirmed = 0 },
			[]Finding{{NoConfirmedInsight, Warning, "The customer has confirmed none of the plan's 3 insights."}}, Amber},
		{"an item due today is not overdue yet", func(p *Plan) { p.ActionItems = []ActionItem{{"Today", now}} }, nil, Green},
		{"items overdue", func(p *Plan) {
			p.ActionItems = []ActionItem{{"Call Ann", daysAgo(10)}, {"Send the deck", daysAgo(2)}, {"Later", daysAgo(-1)}}
		}, []Finding{{ActionItemsOverdue, Warning, `2 action items are overdue, the oldest by 10 days: "Call Ann" (due 2026-03-05), "Send the deck" (due 2026-03-13).`}}, Amber},
		{"an item over 30 days late", func(p *Plan) { p.ActionItems = []ActionItem{{"Call Ann", daysAgo(31)}} },
			[]Finding{{ActionItemsOverdue, Critical, `1 action item is overdue, the oldest by 31 days: "Call Ann" (due 2026-02-12).`}}, Red},
		{"review due today is not overdue", func(p *Plan) { p.LastReview = now.AddDate(0, -3, 0) }, nil, Green},
		{"quarterly review overdue", func(p *Plan) { p.LastReview = daysAgo(100) },
			[]Finding{{ReviewOverdue, Warning, "No review since 2025-12-05: with a quarterly cadence one was due by 2026-03-05, 10 days ago."}}, Amber},
		{"two quarterly reviews missed", func(p *Plan) { p.LastReview = daysAgo(190) },
			[]Finding{{ReviewOverdue, Critical, "No review since 2025-09-06: with a quarterly cadence one was due by 2025-12-06, 99 days ago."}}, Red},
		{"weekly review overdue", func(p *Plan) { p.ReviewCadence, p.LastReview = accountplan.ReviewCadenceWEEKLY, daysAgo(8) },
			[]Finding{{ReviewOverdue, Warning, "No review since 2026-03-07: with a weekly cadence one was due by 2026-03-14, 1 day ago."}}, Amber},
		{"monthly review in time", func(p *Plan) { p.ReviewCadence, p.LastReview = accountplan.ReviewCadenceMONTHLY, daysAgo(20) }, nil, Green},
		{"annual review in time", func(p *Plan) { p.ReviewCadence, p.LastReview = accountplan.ReviewCadenceANNUAL, daysAgo(300) }, nil, Green},
		{"never reviewed, period just started", func(p *Plan) { p.LastReview, p.PeriodStart = time.Time{}, daysAgo(20) }, nil, Green},
		{"never reviewed", func(p *Plan) { p.LastReview, p.PeriodStart = time.Time{}, daysAgo(100) },
			[]Finding{{ReviewOverdue, Warning, "No review since the plan period started on 2025-12-05: with a quarterly cadence one was due by 2026-03-05, 10 days ago."}}, Amber},
		{"a review before the period counts from the period start", func(p *Plan) { p.LastReview, p.PeriodStart = daysAgo(150), daysAgo(60) }, nil, Green},
		{"a draft only informs, and has no time rules", func(p *Plan) {
			p.Status, p.Goals, p.LastReview = accountplan.StatusDRAFT, 0, daysAgo(400)
			p.ActionItems = []ActionItem{{"Call Ann", daysAgo(40)}}
		}, []Finding{{GoalsOutOfRange, Info, "The plan has 0 goals; the playbook asks for 3 to 6."}}, Green},
		{"an archived plan only informs", func(p *Plan) { p.Status, p.ObjectivesWithoutKPI = accountplan.StatusARCHIVED, []string{"X"} },
			[]Finding{{ObjectiveWithoutKPI, Info, `1 objective has no KPI: "X".`}}, Green},
		{"the worst finding makes the grade", func(p *Plan) { p.Goals, p.LastReview = 9, daysAgo(400) },
			[]Finding{
				{GoalsOutOfRange, Warning, "The plan has 9 goals; the playbook asks for 3 to 6."},
				{ReviewOverdue, Critical, "No review since the plan period started on 2025-08-27: with a quarterly cadence one was due by 2025-11-27, 108 days ago."},
			}, Red},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := healthy()
			c.change(&p)
			got := Evaluate(p, now)
			want := c.want
			if want == nil {
				want = []Finding{}
			}
			if got.Grade != c.grade || !reflect.DeepEqual(got.Findings, want) {
				t.Errorf("got %s %+v\nwant %s %+v", got.Grade, got.Findings, c.grade, want)
			}
		})
	}
}

func TestEvaluateAccount(t *testing.T) {
	cases := []struct {
		account Account
		grade   Grade
		rules   int
	}{
		{Account{Tier: account.TierSTRATEGIC}, Red, 1},
		{Account{Tier: account.TierKEY}, Red, 1},
		{Account{Tier: account.TierKEY, ActivePlans: 1}, Green, 0},
		{Account{Tier: account.TierGENERAL}, Green, 0},
	}
	for _, c := range cases {
		got := EvaluateAccount(c.account)
		if got.Grade != c.grade || len(got.Findings) != c.rules {
			t.Errorf("%+v: got %+v", c.account, got)
		}
	}
	got := EvaluateAccount(Account{Tier: account.TierSTRATEGIC}).Findings[0]
	want := Finding{RequiredPlanMissing, Critical, "A STRATEGIC account requires an active plan, and this one has none."}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// TestTierRules: the tier table, one case per way to keep or break it; the
// messages are the ones the API shows.
func TestTierRules(t *testing.T) {
	led := TierReview{HeldAt: daysAgo(30), Executives: 1, VPs: 1}
	cases := []struct {
		name   string
		change func(p *Plan)
		want   []Finding
	}{
		{"tier 1 with executives and a VP", func(p *Plan) { p.Tier, p.TierReview = account.TierSTRATEGIC, led }, nil},
		{"tier 1 reviewed yearly", func(p *Plan) {
			p.Tier, p.TierReview, p.ReviewCadence, p.LastReview = account.TierSTRATEGIC, led, accountplan.ReviewCadenceANNUAL, daysAgo(30)
		}, []Finding{{TierReviewCadence, Warning, "The plan is reviewed yearly; a STRATEGIC account is reviewed at least quarterly."}}},
		{"tier 1 without a tier review for a quarter", func(p *Plan) {
			p.Tier, p.TierReview = account.TierSTRATEGIC, led
			p.TierReview.HeldAt = daysAgo(100)
		}, []Finding{{TierReviewCadence, Warning, "No QBR or executive briefing held since 2025-12-05: a STRATEGIC account is reviewed quarterly, so one was due by 2026-03-05, 10 days ago."}}},
		{"tier 2 never reviewed", func(p *Plan) { p.Tier = account.TierKEY },
			[]Finding{{TierReviewCadence, Critical, "No QBR or executive briefing held since the plan period started on 2025-08-27: a KEY account is reviewed quarterly, so one was due by 2025-11-27, 108 days ago."}}},
		{"tier 1 without a VP", func(p *Plan) {
			p.Tier, p.TierReview = account.TierSTRATEGIC, led
			p.TierReview.VPs = 0
		}, []Finding{{Tier1ReviewWithoutLeaders, Warning, "The latest tier review, on 2026-02-13, had no VP among our attendees; a STRATEGIC account is reviewed with executive leadership and the VPs of the region or business unit."}}},
		{"tier 1 without leadership", func(p *Plan) {
			p.Tier, p.TierReview = account.TierSTRATEGIC, TierReview{HeldAt: daysAgo(30)}
		}, []Finding{{Tier1ReviewWithoutLeaders, Warning, "The latest tier review, on 2026-02-13, had no executive leadership and no VP among our attendees; a STRATEGIC account is reviewed with executive leadership and the VPs of the region or business unit."}}},
		{"tier 2 without executives", func(p *Plan) { p.Tier, p.TierReview = account.TierKEY, TierReview{HeldAt: daysAgo(30), VPs: 1} }, nil},
		{"tier 2 with executives not asked for", func(p *Plan) { p.Tier, p.TierReview = account.TierKEY, led },
			[]Finding{{Tier2ExecutivesNotSpecified, Warning, "The latest tier review, on 2026-02-13, had 1 executive among our attendees but was not an EXECUTIVE_BRIEFING; a KEY account is reviewed without executive leadership unless it is asked for."}}},
		{"tier 2 with executives asked for", func(p *Plan) {
			p.Tier, p.TierReview = account.TierKEY, led
			p.TierReview.Briefing = true
		}, nil},
		{"tier 3 never reviewed", func(p *Plan) { p.Tier = account.TierGENERAL }, nil},
		{"tier 3 reviewed often, with executives", func(p *Plan) {
			p.Tier, p.TierReview = account.TierGENERAL, TierReview{HeldAt: daysAgo(3), Executives: 2}
		}, nil},
		{"a draft of tier 1 is not judged", func(p *Plan) {
			p.Status, p.Tier, p.ReviewCadence = accountplan.StatusDRAFT, account.TierSTRATEGIC, accountplan.ReviewCadenceANNUAL
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := healthy()
			c.change(&p)
			got := Evaluate(p, now)
			want := c.want
			if want == nil {
				want = []Finding{}
			}
			if !reflect.DeepEqual(got.Findings, want) {
				t.Errorf("got %+v\nwant %+v", got.Findings, want)
			}
		})
	}
}
