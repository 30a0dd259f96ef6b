package reviewpack

import (
	"testing"
	"time"

	"github.com/accountplan/accountplan/graph/metrics"
)

func TestQuarterStart(t *testing.T) {
	for in, want := range map[string]string{
		"2026-01-01T00:00:00Z": "2026-01-01", "2026-03-31T23:59:59Z": "2026-01-01",
		"2026-04-01T00:00:00Z": "2026-04-01", "2026-08-15T12:00:00Z": "2026-07-01",
		"2026-12-31T23:00:00Z": "2026-10-01", "2026-10-01T01:00:00+02:00": "2026-07-01",
	} {
		at, _ := time.Parse(time.RFC3339, in)
		if got := day(quarterStart(at)); got != want {
			t.Errorf("quarterStart(%s) = %s, want %s", in, got, want)
		}
	}
}

// The metrics period is the previous quarter and this one up to the pack's time.
func TestMetricsPeriod(t *testing.T) {
	until := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	p := MetricsPeriod(until)
	if day(p.Start) != "2026-07-01" || !p.End.Equal(until) {
		t.Errorf("MetricsPeriod(%s) = %s to %s", until, p.Start, p.End)
	}
}

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		minor    int64
		currency string
		want     string
	}{
		{125050, "USD", "1,250.50"}, {-5, "EUR", "-0.05"}, {0, "USD", "0.00"},
		{123456789, "GBP", "1,234,567.89"}, {1500, "JPY", "1,500"}, {100000, "USD", "1,000.00"},
	} {
		if got := money(c.minor, c.currency); got != c.want {
			t.Errorf("money(%d, %s) = %s, want %s", c.minor, c.currency, got, c.want)
		}
	}
}

// Text from users stays on its Markdown line and in its table cell.
func TestMarkdownText(t *testing.T) {
	if got := line("Send the\nproposal  # now"); got != "Send the proposal # now" {
		t.Errorf("line: %q", got)
	}
	if got := cell("A | B\nC"); got != `A \| B C` {
		t.Errorf("cell: %q", got)
	}
}

// The deprecated revenue sums the metrics rows of each quarter over their currencies.
func TestRevenueFromMetrics(t *testing.T) {
	until := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	q3, q4 := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	p := &Pack{Until: until, Metrics: &metrics.Report{Rows: []*metrics.Row{
		{PeriodStart: q3, Currency: "EUR", StartingRevenue: 100, Expansion: 10},
		{PeriodStart: q3, Currency: "USD", StartingRevenue: 900, Churn: 100},
		{PeriodStart: q4, Currency: "USD", StartingRevenue: 800, Contraction: 20},
	}}}
	r := p.Revenue()
	if len(r) != 2 || !r[0].Start.Equal(q4) || !r[1].Start.Equal(q3) {
		t.Fatalf("quarters %v", r)
	}
	if r[0].EndingRevenue() != 780 || r[1].StartingRevenue != 1000 || r[1].EndingRevenue() != 910 || *r[1].NRR() != 0.91 {
		t.Errorf("this quarter ends at %d; the previous one starts at %d and ends at %d", r[0].EndingRevenue(), r[1].StartingRevenue, r[1].EndingRevenue())
	}
	if (&Quarter{Expansion: 5}).NRR() != nil {
		t.Error("NRR without starting revenue")
	}
}
