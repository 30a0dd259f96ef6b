// Package planhealth grades account plans, and the plan coverage of accounts,
// against the rules of the account planning playbook. The rules are pure
// functions of plain values (Evaluate, EvaluateAccount); the Loader gathers
// those values for every plan and account of a request in a few queries.
package planhealth

import (
	"fmt"
	"strings"
	"time"

	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
)

// Grade sums up a plan's findings: RED when one is CRITICAL, else AMBER when
// one is a WARNING, else GREEN. INFO findings never lower the grade.
type Grade string

// The grades, best first.
const (
	Green Grade = "GREEN"
	Amber Grade = "AMBER"
	Red   Grade = "RED"
)

// Severity says how much a finding matters.
type Severity string

// The severities, least first.
const (
	Info     Severity = "INFO"
	Warning  Severity = "WARNING"
	Critical Severity = "CRITICAL"
)

// Rule identifies the rule a finding breaks.
type Rule string

// The rules.
const (
	GoalsOutOfRange       Rule = "GOALS_OUT_OF_RANGE"
	ObjectiveWithoutOwner Rule = "OBJECTIVE_WITHOUT_OWNER"
	ObjectiveWithoutKPI   Rule = "OBJECTIVE_WITHOUT_KPI"
	ActionItemsOverdue    Rule = "ACTION_ITEMS_OVERDUE"
	ReviewOverdue         Rule = "REVIEW_OVERDUE"
	NoConfirmedInsight    Rule = "NO_CONFIRMED_INSIGHT"
	RequiredPlanMissing   Rule = "REQUIRED_PLAN_MISSING"
	// The tier table's review rules.
	TierReviewCadence           Rule = "TIER_REVIEW_CADENCE"
	Tier1ReviewWithoutLeaders   Rule = "TIER1_REVIEW_WITHOUT_LEADERSHIP"
	Tier2ExecutivesNotSpecified Rule = "TIER2_EXECUTIVES_NOT_SPECIFIED"
)

// Finding is one rule a plan or account breaks.
type Finding struct {
	Rule     Rule
	Severity Severity
	Message  string
}

// Health is a grade with the findings behind it.
type Health struct {
	Grade    Grade
	Findings []Finding
}

// The playbook's guide: at least 3 goals, no more than 5 to 6.
const (
	minGoals = 3
	maxGoals = 6
)

// Overdue action items turn CRITICAL when the oldest is this late.
const criticalLateness = 30 * 24 * time.Hour

// Plan is what the rules look at in a plan.
type Plan struct {
	Status        accountplan.Status
	ReviewCadence accountplan.ReviewCadence
	PeriodStart   time.Time
	Goals         int
	// Titles of the open objectives (neither ACHIEVED nor CANCELED) without an owner, and without a KPI.
	ObjectivesWithoutOwner []string
	ObjectivesWithoutKPI   []string
	// The open action items (neither DONE nor CANCELED) that have a due date,
	// earliest first; items not yet due may be left out.
	ActionItems []ActionItem
	LastReview  time.Time // zero when the plan was never reviewed
	Insights    int
	Confirmed   int // insights the customer confirmed
	// The plan's account: its tier and its latest tier review (zero HeldAt when it has none).
	Tier       account.Tier
	TierReview TierReview
}

// TierReview is a HELD review of kind QBR or EXECUTIVE_BRIEFING, the meetings
// the tier table speaks of, with the seniorities of our users who attended.
type TierReview struct {
	HeldAt     time.Time
	Briefing   bool // an EXECUTIVE_BRIEFING: executive leadership was asked for
	Executives int  // attendees of seniority EXECUTIVE
	VPs        int  // attendees of seniority VP
}

// ActionItem is an open action item with a due date.
type ActionItem struct {
	Title string
	DueAt time.Time
}

// Evaluate applies the plan rules at the time now:
//   - GOALS_OUT_OF_RANGE (WARNING): fewer than 3 or more than 6 goals;
//   - OBJECTIVE_WITHOUT_OWNER, OBJECTIVE_WITHOUT_KPI (WARNING): open objectives without them;
//   - NO_CONFIRMED_INSIGHT (WARNING): the customer confirmed none of the plan's insights;
//   - ACTION_ITEMS_OVERDUE (WARNING; CRITICAL when one is over 30 days late): open items past their due date;
//   - REVIEW_OVERDUE (WARNING; CRITICAL when two reviews are missed): no review within
//     one cadence of the later of the last review and the period start;
//   - the tier table, for the plans of STRATEGIC (tier 1) and KEY (tier 2) accounts (see tierRules).
//
// The two time rules and the tier table apply to ACTIVE plans only. A DRAFT or ARCHIVED plan is
// not in force, so its findings are INFO: they say what is missing without
// lowering its grade.
func Evaluate(p Plan, now time.Time) Health {
	var fs []Finding
	add := func(rule Rule, severity Severity, format string, args ...any) {
		fs = append(fs, Finding{Rule: rule, Severity: severity, Message: fmt.Sprintf(format, args...)})
	}
	if p.Goals < minGoals || p.Goals > maxGoals {
		add(GoalsOutOfRange, Warning, "The plan has %s; the playbook asks for %d to %d.", count(p.Goals, "goal", "goals"), minGoals, maxGoals)
	}
	if n := len(p.ObjectivesWithoutOwner); n > 0 {
		add(ObjectiveWithoutOwner, Warning, "%s no owner: %s.", count(n, "objective has", "objectives have"), list(quote(p.ObjectivesWithoutOwner)))
	}
	if n := len(p.ObjectivesWithoutKPI); n > 0 {
		add(ObjectiveWithoutKPI, Warning, "%s no KPI: %s.", count(n, "objective has", "objectives have"), list(quote(p.ObjectivesWithoutKPI)))
	}
	switch {
	case p.Insights == 0:
		add(NoConfirmedInsight, Warning, "The plan records no customer insight, so the customer has confirmed none.")
	case p.Confirmed == 0:
		add(NoConfirmedInsight, Warning, "The customer has confirmed none of the plan's %s.", count(p.Insights, "insight", "insights"))
	}
	if p.Status == accountplan.StatusACTIVE {
		if f, ok := overdueItems(p.ActionItems, now); ok {
			fs = append(fs, f)
		}
		if f, ok := overdueReview(p, now); ok {
			fs = append(fs, f)
		}
		fs = append(fs, tierRules(p, now)...)
	} else {
		for i := range fs {
			fs[i].Severity = Info
		}
	}
	return health(fs)
}

func overdueItems(items []ActionItem, now time.Time) (Finding, bool) {
	var late []string
	var oldest time.Time
	for _, it := range items {
		if !it.DueAt.Before(now) {
			continue
		}
		if len(late) == 0 || it.DueAt.Before(oldest) {
			oldest = it.DueAt
		}
		late = append(late, fmt.Sprintf(`"%s" (due %s)`, it.Title, it.DueAt.Format(time.DateOnly)))
	}
	if len(late) == 0 {
		return Finding{}, false
	}
	severity := Warning
	if now.Sub(oldest) > criticalLateness {
		severity = Critical
	}
	return Finding{Rule: ActionItemsOverdue, Severity: severity, Message: fmt.Sprintf("%s overdue, the oldest by %s: %s.",
		count(len(late), "action item is", "action items are"), count(days(now.Sub(oldest)), "day", "days"), list(late))}, true
}

// next is when the review after one held at t is due.
func next(cadence accountplan.ReviewCadence, t time.Time) time.Time {
	switch cadence {
	case accountplan.ReviewCadenceWEEKLY:
		return t.AddDate(0, 0, 7)
	case accountplan.ReviewCadenceMONTHLY:
		return t.AddDate(0, 1, 0)
	case accountplan.ReviewCadenceANNUAL:
		return t.AddDate(1, 0, 0)
	}
	return t.AddDate(0, 3, 0)
}

func overdueReview(p Plan, now time.Time) (Finding, bool) {
	since, what := p.PeriodStart, "since the plan period started on "+p.PeriodStart.Format(time.DateOnly)
	if p.LastReview.After(since) {
		since, what = p.LastReview, "since "+p.LastReview.Format(time.DateOnly)
	}
	due := next(p.ReviewCadence, since)
	if !now.After(due) {
		return Finding{}, false
	}
	severity := Warning
	if now.After(next(p.ReviewCadence, due)) {
		severity = Critical
	}
	return Finding{Rule: ReviewOverdue, Severity: severity, Message: fmt.Sprintf("No review %s: with a %s cadence one was due by %s, %s ago.",
		what, strings.ToLower(string(p.ReviewCadence)), due.Format(time.DateOnly), count(days(now.Sub(due)), "day", "days"))}, true
}

// tierRules are the playbook's tier table. The tier reviews are the HELD
// reviews of kind QBR or EXECUTIVE_BRIEFING of the plan's account, with or
// without a plan; WEEKLY and MONTHLY meetings are the team's working sessions
// and do not count.
//   - TIER_REVIEW_CADENCE (WARNING; CRITICAL when two quarters are missed): tier 1
//     and 2 are reviewed quarterly, so the plan's cadence is ANNUAL, or no tier
//     review was held within a quarter of the later of the last one and periodStart;
//   - TIER1_REVIEW_WITHOUT_LEADERSHIP (WARNING): the latest tier review of a tier 1
//     account had no user of seniority EXECUTIVE, or none of seniority VP, among
//     our attendees;
//   - TIER2_EXECUTIVES_NOT_SPECIFIED (WARNING): the latest tier review of a tier 2
//     account had a user of seniority EXECUTIVE among our attendees, and
//     executive leadership was not specified: the review is not of kind
//     EXECUTIVE_BRIEFING, the one way to ask for it.
//
// A GENERAL (tier 3) account needs no plan and no review: it breaks none of
// these, however often or seldom it is reviewed.
func tierRules(p Plan, now time.Time) []Finding {
	if p.Tier != account.TierSTRATEGIC && p.Tier != account.TierKEY {
		return nil
	}
	var fs []Finding
	if f, ok := tierCadence(p, now); ok {
		fs = append(fs, f)
	}
	r := p.TierReview
	if r.HeldAt.IsZero() {
		return fs
	}
	on := r.HeldAt.Format(time.DateOnly)
	if p.Tier == account.TierSTRATEGIC && (r.Executives == 0 || r.VPs == 0) {
		var missing []string
		if r.Executives == 0 {
			missing = append(missing, "executive leadership")
		}
		if r.VPs == 0 {
			missing = append(missing, "VP")
		}
		fs = append(fs, Finding{Rule: Tier1ReviewWithoutLeaders, Severity: Warning, Message: fmt.Sprintf(
			"The latest tier review, on %s, had no %s among our attendees; a STRATEGIC account is reviewed with executive leadership and the VPs of the region or business unit.", on, strings.Join(missing, " and no "))})
	}
	if p.Tier == account.TierKEY && r.Executives > 0 && !r.Briefing {
		fs = append(fs, Finding{Rule: Tier2ExecutivesNotSpecified, Severity: Warning, Message: fmt.Sprintf(
			"The latest tier review, on %s, had %s among our attendees but was not an EXECUTIVE_BRIEFING; a KEY account is reviewed without executive leadership unless it is asked for.", on, count(r.Executives, "executive", "executives"))})
	}
	return fs
}

func tierCadence(p Plan, now time.Time) (Finding, bool) {
	if p.ReviewCadence == accountplan.ReviewCadenceANNUAL {
		return Finding{Rule: TierReviewCadence, Severity: Warning, Message: fmt.Sprintf(
			"The plan is reviewed yearly; a %s account is reviewed at least quarterly.", p.Tier)}, true
	}
	since, what := p.PeriodStart, "since the plan period started on "+p.PeriodStart.Format(time.DateOnly)
	if p.TierReview.HeldAt.After(since) {
		since, what = p.TierReview.HeldAt, "since "+p.TierReview.HeldAt.Format(time.DateOnly)
	}
	due := next(accountplan.ReviewCadenceQUARTERLY, since)
	if !now.After(due) {
		return Finding{}, false
	}
	severity := Warning
	if now.After(next(accountplan.ReviewCadenceQUARTERLY, due)) {
		severity = Critical
	}
	return Finding{Rule: TierReviewCadence, Severity: severity, Message: fmt.Sprintf(
		"No QBR or executive briefing held %s: a %s account is reviewed quarterly, so one was due by %s, %s ago.",
		what, p.Tier, due.Format(time.DateOnly), count(days(now.Sub(due)), "day", "days"))}, true
}

// Account is what the rules look at in an account.
type Account struct {
	Tier        account.Tier
	ActivePlans int
}

// EvaluateAccount applies the account rule: a STRATEGIC (tier 1) or KEY
// (tier 2) account requires an ACTIVE plan (REQUIRED_PLAN_MISSING, CRITICAL).
func EvaluateAccount(a Account) Health {
	var fs []Finding
	if a.Tier != account.TierGENERAL && a.ActivePlans == 0 {
		fs = append(fs, Finding{Rule: RequiredPlanMissing, Severity: Critical,
			Message: fmt.Sprintf("A %s account requires an active plan, and this one has none.", a.Tier)})
	}
	return health(fs)
}

// health grades findings by the worst severity among them.
func health(fs []Finding) Health {
	h := Health{Grade: Green, Findings: fs}
	if h.Findings == nil {
		h.Findings = []Finding{}
	}
	for _, f := range fs {
		switch {
		case f.Severity == Critical:
			h.Grade = Red
		case f.Severity == Warning && h.Grade == Green:
			h.Grade = Amber
		}
	}
	return h
}

// listed is how many items a message names before it says "and n more".
const listed = 3

// list names the first items: A, B, C and 2 more.
func list(items []string) string {
	s := strings.Join(items[:min(len(items), listed)], ", ")
	if n := len(items) - listed; n > 0 {
		s += fmt.Sprintf(" and %d more", n)
	}
	return s
}

// quote puts each title in double quotes.
func quote(titles []string) []string {
	q := make([]string, len(titles))
	for i, t := range titles {
		q[i] = `"` + t + `"`
	}
	return q
}

// count writes n with the singular or plural noun: 1 goal, 2 goals.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// days is a duration in whole days, rounded down.
func days(d time.Duration) int { return int(d / (24 * time.Hour)) }
