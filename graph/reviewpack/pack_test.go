package reviewpack

import (
	"testing"
	"time"
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

func TestQuarterNRR(t *testing.T) {
	q := &Quarter{StartingRevenue: 1000, Expansion: 200, Contraction: 50, Churn: 100}
	if q.EndingRevenue() != 1050 || *q.NRR() != 1.05 {
		t.Errorf("ending %d, NRR %v", q.EndingRevenue(), *q.NRR())
	}
	if (&Quarter{Expansion: 5}).NRR() != nil {
		t.Error("NRR without starting revenue")
	}
	if got := quarter(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)); got != "2026 Q3" {
		t.Errorf("quarter: %s", got)
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
