package apitest

// Benchmarks of the metrics rollups on 10,000 accounts, 120,000 revenue
// records and 200,000 opportunities in SQLite, through the HTTP handler:
//
//	go test ./graph/ -run '^$' -bench Metrics -benchtime 20x
//
// The first run generates the database (see graph/metrics/metricstest) and
// keeps it in the temporary directory for the next ones.

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/accountplan/accountplan/graph/httpedge"
	"github.com/accountplan/accountplan/graph/metrics/metricstest"
)

func benchmarkMetrics(b *testing.B, groupBy []string, wantRows int) {
	s, err := metricstest.Open(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(httpedge.NewHandler(s.Driver, testSettings()))
	b.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	body, _ := json.Marshal(map[string]any{"query": metricsQuery, "variables": map[string]any{
		"period":  map[string]any{"start": metricstest.Start, "end": metricstest.End},
		"groupBy": groupBy,
	}})
	for b.Loop() {
		resp, err := http.Post(srv.URL+"/query", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		var r result
		err = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if err != nil || len(r.Errors) > 0 {
			b.Fatalf("%v %v", err, r.Errors)
		}
		if rows := len(get(r.Data, "metrics", "rows").([]any)); rows != wantRows {
			b.Fatalf("%d rows, want %d", rows, wantRows)
		}
	}
}

// BenchmarkMetricsTierByQuarter is the grouped rollup of the issue: tier × quarter over 12 quarters.
func BenchmarkMetricsTierByQuarter(b *testing.B) {
	benchmarkMetrics(b, []string{"TIER", "QUARTER"}, 3*metricstest.Quarters)
}

// BenchmarkMetricsPlanned compares planned with unplanned accounts over the 12 quarters.
func BenchmarkMetricsPlanned(b *testing.B) {
	benchmarkMetrics(b, []string{"PLANNED"}, 2)
}

// BenchmarkMetricsPlanPhaseByQuarter compares the accounts before, during and after their plans with those never planned, over the 12 quarters.
func BenchmarkMetricsPlanPhaseByQuarter(b *testing.B) {
	// The plans of the data start in quarters 0, 1, 3 and 5 (n % 10 of the
	// planned accounts) and last one to six quarters: no account is before
	// its plan after quarter 4, nor after one in quarter 0, nor during one
	// in quarter 11.
	benchmarkMetrics(b, []string{"PLAN_PHASE", "QUARTER"}, 4*metricstest.Quarters-7-1-1)
}
