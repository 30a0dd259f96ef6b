package metrics

import (
	"math/big"
	"strings"
)

// Figure is a ratio rounded for display, or the reason it has none.
// Exactly one of Value and Reason is set.
type Figure struct {
	Value  *string // an exact decimal with two fractional digits, e.g. "110.00"
	Reason *string // why there is no value, e.g. "no starting revenue"
}

// Revenue is what a row's revenue records add up to, in minor units.
type Revenue struct {
	Starting, Expansion, Contraction, Churn int64
}

// Ending is the revenue the cohort ends with: starting + expansion − contraction − churn.
func (r Revenue) Ending() int64 { return r.Starting + r.Expansion - r.Contraction - r.Churn }

// NetRetention is NRR = (starting + expansion − contraction − churn) ÷ starting × 100%.
func (r Revenue) NetRetention() Figure {
	return percentage(big.NewInt(r.Ending()), big.NewInt(r.Starting), "no starting revenue")
}

// GrossRetention is GRR = (starting − contraction − churn) ÷ starting × 100%.
func (r Revenue) GrossRetention() Figure {
	return percentage(big.NewInt(r.Starting-r.Contraction-r.Churn), big.NewInt(r.Starting), "no starting revenue")
}

// Growth is (ending − starting) ÷ starting × 100%.
func (r Revenue) Growth() Figure {
	return percentage(big.NewInt(r.Ending()-r.Starting), big.NewInt(r.Starting), "no starting revenue")
}

// LogoRetention is retained ÷ starting accounts × 100%.
func LogoRetention(retained, starting int64) Figure {
	return percentage(big.NewInt(retained), big.NewInt(starting), "no account with starting revenue")
}

// WinRate is won ÷ (won + lost) × 100%.
func WinRate(won, lost int64) Figure {
	return percentage(big.NewInt(won), big.NewInt(won+lost), "no opportunity won or lost")
}

// noWonDeal is why a row has no sales cycle length.
const noWonDeal = "no opportunity won"

// MeanDays is the mean sales cycle: total days ÷ won deals.
func MeanDays(totalDays, won int64) Figure {
	if won == 0 {
		return reason(noWonDeal)
	}
	return value(round2(big.NewInt(totalDays), big.NewInt(won)))
}

// MedianDays is the median sales cycle given the sum of the two middle
// cycles (the middle one twice when the count is odd): that sum ÷ 2.
func MedianDays(middleSum, won int64) Figure {
	if won == 0 {
		return reason(noWonDeal)
	}
	return value(round2(big.NewInt(middleSum), big.NewInt(2)))
}

// percentage is num ÷ den × 100, rounded, or the reason when den is zero.
func percentage(num, den *big.Int, why string) Figure {
	if den.Sign() == 0 {
		return reason(why)
	}
	return value(round2(new(big.Int).Mul(num, big.NewInt(100)), den))
}

// round2 is num ÷ den rounded to two decimals, half away from zero (as a
// spreadsheet's ROUND does), written with exactly two decimals. The quotient
// is exact up to this one rounding: big integers never overflow nor round.
func round2(num, den *big.Int) string {
	scaled := new(big.Int).Mul(num, big.NewInt(100))
	q, r := new(big.Int).QuoRem(scaled, den, new(big.Int)) // truncates toward zero
	if twice := new(big.Int).Lsh(r.Abs(r), 1); twice.Cmp(new(big.Int).Abs(den)) >= 0 {
		if scaled.Sign()*den.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	sign := ""
	if q.Sign() < 0 {
		sign = "-"
	}
	digits := q.Abs(q).String()
	if len(digits) < 3 {
		digits = strings.Repeat("0", 3-len(digits)) + digits
	}
	return sign + digits[:len(digits)-2] + "." + digits[len(digits)-2:]
}

func value(s string) Figure  { return Figure{Value: &s} }
func reason(s string) Figure { return Figure{Reason: &s} }
