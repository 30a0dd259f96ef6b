package demo

import (
	"context"
	"fmt"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/opportunity"
)

// quarters is how many quarters of history, before the current one, the demo records.
const quarters = 8

// movement is an account's recurring revenue over one quarter, in dollars.
type movement struct{ start, expansion, contraction, churn int64 }

// end is the revenue the quarter ends with, which the next one starts from.
func (m movement) end() int64 { return m.start + m.expansion - m.contraction - m.churn }

// wave spreads an account's movements unevenly over the quarters, in tenths of the average.
var wave = []int64{10, 14, 6, 10}

// revenue is the account's recurring revenue over the past quarters, the
// oldest first; phase shifts the wave so that accounts differ.
func (a *accountSpec) revenue(phase int) []movement {
	history := make([]movement, quarters)
	arr := a.arr
	for q := range history {
		m := movement{start: arr}
		if q+1 == a.churnQuarter {
			m.churn = hundreds(arr * int64(a.churnPct) / 100)
		}
		if m.churn < arr {
			w := wave[(q+phase)%len(wave)]
			m.expansion = hundreds(arr * a.expansion * w / 100_000)
			m.contraction = hundreds(arr * a.contraction * w / 100_000)
		}
		history[q] = m
		arr = m.end()
	}
	return history
}

// hundreds rounds dollars down to whole hundreds. Every ARR in the tables is
// a multiple of a hundred, so the revenue stays one and a full churn is exact.
func hundreds(dollars int64) int64 { return dollars / 100 * 100 }

// dealKinds and openStages are given to the deals in turn.
var (
	dealKinds  = []string{"expansion", "renewal", "pilot", "upgrade"}
	openStages = []opportunity.Stage{
		opportunity.StagePROSPECTING, opportunity.StageQUALIFICATION, opportunity.StagePROPOSAL, opportunity.StageNEGOTIATION,
	}
)

// loadSales creates every account's revenue records and opportunities.
func (l *loader) loadSales(ctx context.Context) error {
	for i := range accounts {
		a := l.accounts[accounts[i].name]
		if err := l.loadRevenue(ctx, a); err != nil {
			return fmt.Errorf("account %s: revenue records: %w", a.name, err)
		}
		if err := l.loadDeals(ctx, a, i); err != nil {
			return fmt.Errorf("account %s: opportunities: %w", a.name, err)
		}
	}
	return nil
}

func (l *loader) loadRevenue(ctx context.Context, a *acct) error {
	return l.c.RevenueRecord.MapCreateBulk(a.history, func(c *ent.RevenueRecordCreate, q int) {
		m, start := a.history[q], l.quarterStart(quarters-q)
		c.SetAccountID(a.id).SetPeriodStart(start).SetPeriodEnd(start.AddDate(0, 3, -1)).
			SetStartingRevenue(cents(m.start)).SetExpansion(cents(m.expansion)).
			SetContraction(cents(m.contraction)).SetChurn(cents(m.churn))
	}).Exec(ctx)
}

// loadDeals creates an account's opportunities, one per letter of its deals:
// opened early in the quarter, closed one to four months later (never after
// yesterday), and pursued under the active plan when opened during it.
func (l *loader) loadDeals(ctx context.Context, a *acct, i int) error {
	var deals []*ent.OpportunityCreate
	for j, outcome := range a.deals {
		if outcome == '-' {
			continue
		}
		n := (i + j) % len(products)
		p := products[n]
		opened := l.quarterStart(j+1).AddDate(0, 0, 3+(i*11+j*7)%40)
		closed := opened.AddDate(0, 0, 25+(i*17+j*23)%80)
		if yesterday := l.day(-1); closed.After(yesterday) {
			closed = yesterday
		}
		c := l.c.Opportunity.Create().SetAccountID(a.id).SetOwnerID(l.users[a.owner]).SetProductID(l.products[n]).
			SetName(fmt.Sprintf("%s - %s %s", a.name, p.name, dealKinds[(i+j)%len(dealKinds)])).
			SetAmount(cents(p.price * int64(60+(i*13+j*29)%90) / 100 / 1000 * 1000)).
			SetOpenedAt(opened)
		switch outcome {
		case 'W':
			c.SetStage(opportunity.StageCLOSED_WON).SetClosedAt(closed)
		case 'L':
			c.SetStage(opportunity.StageCLOSED_LOST).SetClosedAt(closed)
		default:
			c.SetStage(openStages[(i+j)%len(openStages)])
		}
		if a.plan != nil && !opened.Before(a.plan.PeriodStart) {
			c.SetPlanID(a.plan.ID)
		}
		deals = append(deals, c)
	}
	return l.c.Opportunity.CreateBulk(deals...).Exec(ctx)
}
