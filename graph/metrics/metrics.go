// Package metrics computes the analysts' rollups: revenue retention, win rate,
// sales cycle and pipeline, filtered and grouped by account attributes and
// calendar periods. The sums are SQL aggregations run by the database (a fixed
// number of statements whatever the data); the ratios are computed here from
// those exact sums and rounded once, at the end.
package metrics

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/schema/calendar"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
)

// Dimension is what a report's rows may be grouped by.
type Dimension string

// The dimensions.
const (
	Tier     Dimension = "TIER"
	Owner    Dimension = "OWNER"
	Industry Dimension = "INDUSTRY"
	Region   Dimension = "REGION"
	Planned  Dimension = "PLANNED"
	// The dimensions of an account in a row's period, and of a deal: see
	// PlanPhase, plannedInPeriod, tierAtPeriod and dealPlanned.
	PlanPhaseDim    Dimension = "PLAN_PHASE"
	PlannedInPeriod Dimension = "PLANNED_IN_PERIOD"
	TierAtPeriod    Dimension = "TIER_AT_PERIOD"
	DealPlanned     Dimension = "DEAL_PLANNED"
	Month           Dimension = "MONTH"
	Quarter         Dimension = "QUARTER"
	Year            Dimension = "YEAR"
)

// months is the length of each calendar dimension's periods.
var months = map[Dimension]int{Month: 1, Quarter: 3, Year: 12}

// MarshalGQL writes the dimension as a GraphQL enum value.
func (d Dimension) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(d))) }

// UnmarshalGQL reads a GraphQL enum value.
func (d *Dimension) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	switch Dimension(s) {
	case Tier, Owner, Industry, Region, Planned, PlanPhaseDim, PlannedInPeriod, TierAtPeriod, DealPlanned, Month, Quarter, Year:
		*d = Dimension(s)
		return nil
	}
	return fmt.Errorf("%v is not a MetricsDimension", v)
}

// PlanPhase is where a row's period stands in an account's planning: see
// api/metrics.graphql for the exact rules.
type PlanPhase string

// The plan phases.
const (
	BeforeFirstPlan PlanPhase = "BEFORE_FIRST_PLAN"
	DuringPlan      PlanPhase = "DURING_PLAN"
	AfterPlan       PlanPhase = "AFTER_PLAN"
	NeverPlanned    PlanPhase = "NEVER_PLANNED"
)

// phaseOrder is the order of the phases in a report.
var phaseOrder = map[PlanPhase]int{BeforeFirstPlan: 0, DuringPlan: 1, AfterPlan: 2, NeverPlanned: 3}

// MarshalGQL writes the phase as a GraphQL enum value.
func (p PlanPhase) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(p))) }

// UnmarshalGQL reads a GraphQL enum value.
func (p *PlanPhase) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if _, ok := phaseOrder[PlanPhase(s)]; !ok {
		return fmt.Errorf("%v is not a PlanPhase", v)
	}
	*p = PlanPhase(s)
	return nil
}

// Period is the half-open interval [Start, End) a report covers.
type Period struct {
	Start, End time.Time
}

// Filter narrows the accounts a report covers. Empty fields do not filter;
// an empty (not absent) list matches no account.
type Filter struct {
	AccountIDs []int
	Tiers      []account.Tier
	OwnerIDs   []int
	Industries []string // "" matches accounts without an industry
	Regions    []string // "" matches accounts without a region
	Planned    *bool    // whether the account has an ACTIVE plan
	// Of the account in each row's period, and of each deal.
	PlanPhases      []PlanPhase
	PlannedInPeriod *bool
	TiersAtPeriod   []account.Tier
	DealPlanned     *bool
}

// Report is the answer to one metrics request.
type Report struct {
	PeriodStart, PeriodEnd time.Time
	GroupBy                []Dimension
	Rows                   []*Row
}

// Row is one group of a report, in one currency. The dimension fields are
// set only when the report is grouped by them (nil then means "none recorded").
type Row struct {
	Tier                   *account.Tier
	Owner                  *ent.User
	Industry               *string
	Region                 *string
	Planned                *bool
	PlanPhase              *PlanPhase
	PlannedInPeriod        *bool
	TierAtPeriod           *account.Tier
	DealPlanned            *bool
	PeriodStart, PeriodEnd time.Time
	PeriodLabel            *string // "2026-03", "2026-Q1" or "2026" when grouped by time
	Currency               string

	Accounts                                 int64
	StartingRevenue                          int64
	Expansion, Contraction, Churn            int64
	EndingRevenue                            int64
	NetRevenueRetention                      Figure
	GrossRevenueRetention                    Figure
	RevenueGrowth                            Figure
	StartingAccounts, RetainedAccounts       int64
	LogoRetention                            Figure
	OpportunitiesWon, OpportunitiesLost      int64
	OpportunitiesOpen                        int64
	WonAmount, PipelineAmount                int64
	WinRate                                  Figure
	SalesCycleMedianDays, SalesCycleMeanDays Figure

	sums sums // what the figures are computed from
}

// Limits that keep one report readable and its statements small.
const (
	MaxRows         = 5000 // rows in one report
	MaxBuckets      = 1200 // calendar periods in one report (a century of months)
	MaxFilterValues = 1000 // values in one list of a filter
)

// request is a validated metrics request.
type request struct {
	period  Period // in UTC
	filter  Filter
	groupBy []Dimension
	keys    map[Dimension]bool // the account dimensions grouped by
	months  int                // length of the calendar periods grouped by; 0 when none
	dated   bool               // whether a dimension or filter of the account in each period, or of the deal, is asked for
	first   int                // the calendar period the report starts in, in months since January of year 0 ÷ months
	buckets int                // the number of calendar periods the report covers, numbered from 0
}

func newRequest(period Period, filter *Filter, groupBy []Dimension) (*request, error) {
	r := &request{period: Period{Start: period.Start.UTC(), End: period.End.UTC()}, groupBy: groupBy, keys: map[Dimension]bool{}, buckets: 1}
	if filter != nil {
		r.filter = *filter
	}
	f := r.filter
	for field, n := range map[string]int{"accountIDs": len(f.AccountIDs), "tiers": len(f.Tiers), "ownerIDs": len(f.OwnerIDs), "industries": len(f.Industries), "regions": len(f.Regions), "planPhases": len(f.PlanPhases), "tiersAtPeriod": len(f.TiersAtPeriod)} {
		if n > MaxFilterValues {
			return nil, &clienterr.InputError{Field: field, Message: fmt.Sprintf("at most %d values", MaxFilterValues)}
		}
	}
	if !r.period.End.After(r.period.Start) {
		return nil, &clienterr.InputError{Field: "end", Message: "the period must end after it starts"}
	}
	seen := map[Dimension]bool{}
	for _, d := range groupBy {
		if seen[d] {
			return nil, &clienterr.InputError{Field: "groupBy", Message: fmt.Sprintf("%s is given twice", d)}
		}
		seen[d] = true
		if n, ok := months[d]; ok {
			if r.months != 0 {
				return nil, &clienterr.InputError{Field: "groupBy", Message: "group by at most one of MONTH, QUARTER and YEAR"}
			}
			r.months = n
		} else {
			r.keys[d] = true
		}
	}
	if r.months != 0 {
		r.first = calendar.Month(r.period.Start) / r.months
		r.buckets = calendar.Month(r.period.End.Add(-time.Nanosecond))/r.months - r.first + 1
	}
	r.dated = f.PlanPhases != nil || f.PlannedInPeriod != nil || f.TiersAtPeriod != nil || f.DealPlanned != nil ||
		r.keys[PlanPhaseDim] || r.keys[PlannedInPeriod] || r.keys[TierAtPeriod] || r.keys[DealPlanned]
	if r.buckets > MaxBuckets {
		return nil, &clienterr.InputError{Field: "groupBy", Message: fmt.Sprintf("the period holds %d calendar periods of this length; at most %d: shorten the period or choose a longer unit", r.buckets, MaxBuckets)}
	}
	return r, nil
}

// bucketStart is the first instant of calendar period b of the report.
func (r *request) bucketStart(b int) time.Time {
	m := (r.first + b) * r.months
	return time.Date(m/12, time.Month(m%12+1), 1, 0, 0, 0, 0, time.UTC)
}

// span is the part of calendar period b inside the report period, and its label.
func (r *request) span(b int) (start, end time.Time, label *string) {
	if r.months == 0 {
		return r.period.Start, r.period.End, nil
	}
	start, end = r.bucketStart(b), r.bucketStart(b+1)
	var l string
	switch r.months {
	case 1:
		l = start.Format("2006-01")
	case 3:
		l = fmt.Sprintf("%04d-Q%d", start.Year(), int(start.Month()+2)/3)
	default:
		l = start.Format("2006")
	}
	return later(start, r.period.Start), earlier(end, r.period.End), &l
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
