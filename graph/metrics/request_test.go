package metrics

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/schema/clienterr"
)

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestRequestRefusesBadInput(t *testing.T) {
	year := Period{Start: date("2025-01-01T00:00:00Z"), End: date("2026-01-01T00:00:00Z")}
	for _, c := range []struct {
		name    string
		period  Period
		groupBy []Dimension
		field   string
	}{
		{"end before start", Period{Start: year.End, End: year.Start}, nil, "end"},
		{"empty period", Period{Start: year.Start, End: year.Start}, nil, "end"},
		{"dimension twice", year, []Dimension{Tier, Owner, Tier}, "groupBy"},
		{"two calendar units", year, []Dimension{Month, Quarter}, "groupBy"},
		{"too many months", Period{Start: date("1900-01-01T00:00:00Z"), End: date("2001-01-01T00:00:00Z")}, []Dimension{Month}, "groupBy"},
	} {
		_, err := newRequest(c.period, nil, c.groupBy)
		var input *clienterr.InputError
		if !errors.As(err, &input) || input.Field != c.field {
			t.Errorf("%s: error %v, want an input error on %s", c.name, err, c.field)
		}
	}
	_, err := newRequest(year, &Filter{OwnerIDs: make([]int, MaxFilterValues+1)}, nil)
	if input := (*clienterr.InputError)(nil); !errors.As(err, &input) || input.Field != "ownerIDs" {
		t.Errorf("too many owners: error %v, want an input error on ownerIDs", err)
	}
	// A century of years is fine, and so is any period without a calendar unit.
	if _, err := newRequest(Period{Start: date("1900-01-01T00:00:00Z"), End: date("2001-01-01T00:00:00Z")}, nil, []Dimension{Year}); err != nil {
		t.Error(err)
	}
	if _, err := newRequest(Period{Start: date("0001-01-01T00:00:00Z"), End: date("9999-01-01T00:00:00Z")}, nil, []Dimension{Tier}); err != nil {
		t.Error(err)
	}
}

func TestCalendarPeriods(t *testing.T) {
	type span struct{ start, end, label string }
	for _, c := range []struct {
		name    string
		period  Period
		unit    Dimension
		buckets []span
	}{
		{
			"quarters cut to the period", Period{Start: date("2025-02-15T00:00:00Z"), End: date("2025-10-01T00:00:00Z")}, Quarter,
			[]span{
				{"2025-02-15T00:00:00Z", "2025-04-01T00:00:00Z", "2025-Q1"},
				{"2025-04-01T00:00:00Z", "2025-07-01T00:00:00Z", "2025-Q2"},
				{"2025-07-01T00:00:00Z", "2025-10-01T00:00:00Z", "2025-Q3"},
			},
		},
		{
			"months over a new year, in UTC", Period{Start: date("2025-12-01T01:00:00+02:00"), End: date("2026-02-10T00:00:00Z")}, Month,
			[]span{
				{"2025-11-30T23:00:00Z", "2025-12-01T00:00:00Z", "2025-11"},
				{"2025-12-01T00:00:00Z", "2026-01-01T00:00:00Z", "2025-12"},
				{"2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", "2026-01"},
				{"2026-02-01T00:00:00Z", "2026-02-10T00:00:00Z", "2026-02"},
			},
		},
		{
			"years", Period{Start: date("2024-01-01T00:00:00Z"), End: date("2026-01-01T00:00:00Z")}, Year,
			[]span{
				{"2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "2024"},
				{"2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2025"},
			},
		},
	} {
		r, err := newRequest(c.period, nil, []Dimension{c.unit})
		if err != nil {
			t.Fatal(err)
		}
		if r.buckets != len(c.buckets) {
			t.Errorf("%s: %d periods, want %d", c.name, r.buckets, len(c.buckets))
			continue
		}
		for b, want := range c.buckets {
			start, end, label := r.span(b)
			if got := (span{start.Format(time.RFC3339), end.Format(time.RFC3339), *label}); got != want {
				t.Errorf("%s: period %d is %v, want %v", c.name, b, got, want)
			}
		}
	}
	r, _ := newRequest(Period{Start: date("2025-02-15T00:00:00Z"), End: date("2025-03-01T00:00:00Z")}, nil, []Dimension{Tier})
	if start, end, label := r.span(0); r.buckets != 1 || !start.Equal(r.period.Start) || !end.Equal(r.period.End) || label != nil {
		t.Errorf("without a calendar unit: %d periods, %v–%v %v; want the report period, unlabelled", r.buckets, start, end, label)
	}
}

func TestDimensionsReadOnlyTheirEnumValues(t *testing.T) {
	var d Dimension
	if err := d.UnmarshalGQL("QUARTER"); err != nil || d != Quarter {
		t.Errorf("QUARTER read as %q, %v", d, err)
	}
	if err := d.UnmarshalGQL("WEEK"); err == nil {
		t.Error("WEEK was accepted")
	}
}

// The dated dimensions and filters read the totals with the rows of the
// accounts with plans or tier changes when the bounds fall on the totals'
// periods and no account is named, else the rows alone; their lists have
// the same limit.
func TestDatedRequestsReadTheTotalsAndTheRows(t *testing.T) {
	year := Period{Start: date("2025-01-01T00:00:00Z"), End: date("2026-01-01T00:00:00Z")}
	inside := Period{Start: date("2025-01-15T00:00:00Z"), End: date("2026-01-01T00:00:00Z")}
	yes := true
	const (
		revenueRows, revenueTotals = "summing revenue records", "summing revenue totals and records"
		dealRows, dealTotals       = "summing opportunities", "summing deal totals and opportunities"
	)
	for _, c := range []struct {
		name    string
		period  Period
		filter  *Filter
		groupBy []Dimension
		want    []string
	}{
		{"by phase", year, nil, []Dimension{PlanPhaseDim, Quarter}, []string{revenueTotals, dealTotals}},
		{"by tier then, no period grouped", year, nil, []Dimension{TierAtPeriod}, []string{revenueRows, dealTotals}},
		{"by deal planning", year, nil, []Dimension{DealPlanned, Year}, []string{revenueTotals, dealTotals}},
		{"planned in the period", year, &Filter{PlannedInPeriod: &yes}, []Dimension{Tier, Quarter}, []string{revenueTotals, dealTotals}},
		{"no phase at all", year, &Filter{PlanPhases: []PlanPhase{}}, nil, []string{revenueRows, dealTotals}},
		{"named accounts", year, &Filter{AccountIDs: []int{1}}, []Dimension{PlanPhaseDim, Quarter}, []string{revenueRows, dealRows}},
		{"inside a month", inside, nil, []Dimension{PlanPhaseDim, Quarter}, []string{revenueRows, dealRows}},
	} {
		r, err := newRequest(c.period, c.filter, c.groupBy)
		if err != nil {
			t.Fatal(err)
		}
		var what []string
		for _, st := range r.statements() {
			what = append(what, st.what)
		}
		if !r.dated || !slices.Equal(what, c.want) {
			t.Errorf("%s: dated %v, statements %v, want %v", c.name, r.dated, what, c.want)
		}
	}
	if r, _ := newRequest(year, nil, []Dimension{Tier, Quarter}); r.dated {
		t.Error("a report by tier now is dated")
	}
	_, err := newRequest(year, &Filter{PlanPhases: make([]PlanPhase, MaxFilterValues+1)}, nil)
	if input := (*clienterr.InputError)(nil); !errors.As(err, &input) || input.Field != "planPhases" {
		t.Errorf("too many phases: error %v, want an input error on planPhases", err)
	}
}

// The key dealsDatedSQL groups by packs kind, DEAL_PLANNED and the group:
// it must fit 64 bits for the longest cycle and the most periods, and is
// not packed when the groups are unbounded.
func TestPackedGroupsFit(t *testing.T) {
	year := Period{Start: date("2025-01-01T00:00:00Z"), End: date("2026-01-01T00:00:00Z")}
	every := []Dimension{Tier, Planned, PlanPhaseDim, PlannedInPeriod, TierAtPeriod, DealPlanned, Month}
	r, err := newRequest(year, nil, every)
	if err != nil {
		t.Fatal(err)
	}
	m := r.packedGroups()
	if want := 3*2*4*2*3 + 1; m != want {
		t.Fatalf("packedGroups() = %d, want %d", m, want)
	}
	base := uint64(MaxBuckets + 1)
	kind := ((uint64(cycleDaysBound)*base+base-1)*base+base-1)*4 + 3
	if key := (kind*2+1)*uint64(m) + uint64(m-1); key > math.MaxInt64 || key/uint64(m)/2 != kind {
		t.Errorf("the largest key %d does not fit 64 bits", key)
	}
	for _, d := range []Dimension{Owner, Industry, Region} {
		r, err := newRequest(year, nil, append([]Dimension{d}, every...))
		if err != nil {
			t.Fatal(err)
		}
		if m := r.packedGroups(); m != 0 {
			t.Errorf("grouped by %s: packedGroups() = %d, want 0 (not packed)", d, m)
		}
	}
}
