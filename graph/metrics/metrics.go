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
	Month    Dimension = "MONTH"
	Quarter  Dimension = "QUARTER"
	Year     Dimension = "YEAR"
)

// months is the length of each calendar dimension's periods.
var months = map[Dimension]int{Month: 1, Quarter: 3, Year: 12}

// MarshalGQL writes the dimension as a GraphQL enum value.
func (d Dimension) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(d))) }

// UnmarshalGQL reads a GraphQL enum value.
func (d *Dimension) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	switch Dimension(s) {
	case Tier, Owner, Industry, Region, Planned, Month, Quarter, Year:
		*d = Dimension(s)
		return nil
	}
	return fmt.Errorf("%v is not a MetricsDimension", v)
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
	first   int                // the calendar period the report starts in, in months since January of year 0 ÷ months
	buckets int                // the number of calendar periods the report covers, numbered from 0
}

func newRequest(period Period, filter *Filter, groupBy []Dimension) (*request, error) {
	r := &request{period: Period{Start: period.Start.UTC(), End: period.End.UTC()}, groupBy: groupBy, keys: map[Dimension]bool{}, buckets: 1}
	if filter != nil {
		r.filter = *filter
	}
	f := r.filter
	for field, n := range map[string]int{"accountIDs": len(f.AccountIDs), "tiers": len(f.Tiers), "ownerIDs": len(f.OwnerIDs), "industries": len(f.Industries), "regions": len(f.Regions)} {
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
