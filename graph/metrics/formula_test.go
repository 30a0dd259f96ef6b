package metrics

import (
	"math"
	"math/big"
	"testing"
)

func (f Figure) String() string {
	if f.Value != nil {
		return *f.Value
	}
	return "null (" + *f.Reason + ")"
}

func TestNetRetentionOfTheSourceExample(t *testing.T) {
	// A $500K cohort grows $100K and churns $50K: NRR is exactly 110%.
	r := Revenue{Starting: 500_000_00, Expansion: 100_000_00, Churn: 50_000_00}
	if got := r.NetRetention().String(); got != "110.00" {
		t.Errorf("NRR %s, want 110.00", got)
	}
	if got := r.GrossRetention().String(); got != "90.00" {
		t.Errorf("GRR %s, want 90.00", got)
	}
	if got := r.Growth().String(); got != "10.00" {
		t.Errorf("growth %s, want 10.00", got)
	}
	if r.Ending() != 550_000_00 {
		t.Errorf("ending %d, want 55000000", r.Ending())
	}
}

func TestFigures(t *testing.T) {
	for _, c := range []struct {
		name string
		got  Figure
		want string
	}{
		{"NRR with contraction", Revenue{Starting: 300, Expansion: 100, Contraction: 1}.NetRetention(), "133.00"},
		{"NRR rounds half up", Revenue{Starting: 8, Expansion: 1}.NetRetention(), "112.50"},                     // exactly 112.5
		{"GRR rounds down", Revenue{Starting: 3, Contraction: 1}.GrossRetention(), "66.67"},                     // 66.666…
		{"negative growth rounds away from zero", Revenue{Starting: 200_000, Churn: 24_691}.Growth(), "-12.35"}, // −12.3455
		{"negative growth exact half", Revenue{Starting: 80_000, Churn: 9_876}.Growth(), "-12.35"},              // −12.345 exactly
		{"growth of zero has no sign", Revenue{Starting: 7}.Growth(), "0.00"},
		{"tiny negative rounds to zero without sign", Revenue{Starting: 1_000_000, Churn: 1}.Growth(), "0.00"},
		{"GRR may go below zero", Revenue{Starting: 100, Contraction: 60, Churn: 60}.GrossRetention(), "-20.00"},
		{"no starting revenue", Revenue{Expansion: 100}.NetRetention(), "null (no starting revenue)"},
		{"no starting revenue for GRR", Revenue{}.GrossRetention(), "null (no starting revenue)"},
		{"no starting revenue for growth", Revenue{}.Growth(), "null (no starting revenue)"},
		{"logo retention", LogoRetention(2, 3), "66.67"},
		{"logo retention of an empty cohort", LogoRetention(0, 0), "null (no account with starting revenue)"},
		{"win rate", WinRate(1, 2), "33.33"},
		{"win rate of two thirds", WinRate(2, 1), "66.67"},
		{"win rate without closed deals", WinRate(0, 0), "null (no opportunity won or lost)"},
		{"win rate without wins", WinRate(0, 4), "0.00"},
		{"mean days", MeanDays(100, 3), "33.33"},
		{"mean days half", MeanDays(1, 8), "0.13"}, // 0.125
		{"median days odd count", MedianDays(2*45, 3), "45.00"},
		{"median days even count", MedianDays(30+61, 4), "45.50"},
		{"no won deal", MedianDays(0, 0), "null (no opportunity won)"},
		{"no won deal for the mean", MeanDays(0, 0), "null (no opportunity won)"},
	} {
		if got := c.got.String(); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestRoundingNeverOverflows(t *testing.T) {
	// Sums near the int64 limit are scaled by 10,000 on the way: big integers keep them exact.
	r := Revenue{Starting: math.MaxInt64 / 2, Expansion: math.MaxInt64 / 2}
	if got := r.NetRetention().String(); got != "200.00" {
		t.Errorf("NRR %s, want 200.00", got)
	}
	if got := round2(big.NewInt(-1), big.NewInt(-3)); got != "0.33" {
		t.Errorf("−1 ÷ −3 = %s, want 0.33", got)
	}
	if got := round2(big.NewInt(5), big.NewInt(-1000)); got != "-0.01" {
		t.Errorf("5 ÷ −1000 = %s, want -0.01", got)
	}
}
