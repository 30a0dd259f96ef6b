package metrics_test

import (
	"context"
	"testing"

	"github.com/accountplan/accountplan/graph/metrics"
	"github.com/accountplan/accountplan/graph/metrics/metricstest"
)

// BenchmarkRollupTierByQuarter rolls the generated data set up by tier and
// quarter over its 12 quarters, on SQLite, without the HTTP layer.
func BenchmarkRollupTierByQuarter(b *testing.B) {
	ctx := context.Background()
	s, err := metricstest.Open(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	period := metrics.Period{Start: metricstest.Start, End: metricstest.End}
	groupBy := []metrics.Dimension{metrics.Tier, metrics.Quarter}
	for b.Loop() {
		report, err := metrics.Rollup(ctx, s.Client, period, nil, groupBy)
		if err != nil {
			b.Fatal(err)
		}
		if len(report.Rows) != 3*metricstest.Quarters {
			b.Fatalf("%d rows, want %d", len(report.Rows), 3*metricstest.Quarters)
		}
	}
}
