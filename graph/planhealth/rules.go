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
//     one cadence of the later of the last review and the period start.
//
// The two time rules apply to ACTIVE plans only. A DRAFT or ARCHIVED plan is
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
