package metrics_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/graph/metrics"
	"github.com/accountplan/accountplan/graph/metrics/metricstest"
)

// BenchmarkRollup rolls the generated data set up on SQLite (or on the
// PostgreSQL database of METRICS_BENCH_POSTGRES, see metricstest.Open),
// without the HTTP layer, in the shapes analysts ask for: by tier and quarter (the
// issue's benchmark) and by plan, which read the broad segments of the
// totals; by owner, and by every dimension, which read the fine ones; and
// with bounds inside a month, which read the deals and revenue records; and
// by plan phase, tier then, deal planning and planned in period, which read
// them too.
func BenchmarkRollup(b *testing.B) {
	ctx := context.Background()
	s, err := metricstest.Open(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	whole := metrics.Period{Start: metricstest.Start, End: metricstest.End}
	inside := metrics.Period{Start: whole.Start.AddDate(0, 0, 14), End: whole.End.AddDate(0, 0, -14)}
	for _, c := range []struct {
		name    string
		period  metrics.Period
		filter  *metrics.Filter
		groupBy []metrics.Dimension
		rows    int
	}{
		{"TierByQuarter", whole, nil, []metrics.Dimension{metrics.Tier, metrics.Quarter}, 3 * metricstest.Quarters},
		{"PlannedStrategicByQuarter", whole, &metrics.Filter{Tiers: []account.Tier{account.TierSTRATEGIC}}, []metrics.Dimension{metrics.Planned, metrics.Quarter}, 2 * metricstest.Quarters},
		{"OwnerByQuarter", whole, nil, []metrics.Dimension{metrics.Owner, metrics.Quarter}, metricstest.Users * metricstest.Quarters},
		{"EveryDimensionByYear", whole, nil, []metrics.Dimension{metrics.Tier, metrics.Owner, metrics.Industry, metrics.Region, metrics.Planned, metrics.Year}, 0},
		{"TierByQuarterInsideMonths", inside, nil, []metrics.Dimension{metrics.Tier, metrics.Quarter}, 3 * metricstest.Quarters},
		// The before/during/after rollups, which read the deals and revenue
		// records with the plans and the history.
		{"PlanPhaseByQuarter", whole, nil, []metrics.Dimension{metrics.PlanPhaseDim, metrics.Quarter}, 0},
		{"StrategicThenPlanPhaseByQuarter", whole, &metrics.Filter{TiersAtPeriod: []account.Tier{account.TierSTRATEGIC}}, []metrics.Dimension{metrics.PlanPhaseDim, metrics.Quarter}, 0},
		{"TierThenDealPlannedByYear", whole, nil, []metrics.Dimension{metrics.TierAtPeriod, metrics.DealPlanned, metrics.Year}, 0},
		{"PlannedInPeriodByQuarter", whole, nil, []metrics.Dimension{metrics.PlannedInPeriod, metrics.Quarter}, 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := processCPU()
			for b.Loop() {
				report, err := metrics.Rollup(ctx, s.Client, c.period, c.filter, c.groupBy)
				if err != nil {
					b.Fatal(err)
				}
				if c.rows != 0 && len(report.Rows) != c.rows {
					b.Fatalf("%d rows, want %d", len(report.Rows), c.rows)
				}
			}
			// CPU time is steadier than wall time on a busy machine, and counts SQLite's work on every connection.
			b.ReportMetric(float64((processCPU()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
