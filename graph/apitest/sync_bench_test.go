package apitest

// Benchmarks of a CRM import through the real HTTP handler:
// stakeholders and influence edges upserted in calls of CHUNK rows, first
// into an empty database and then replayed unchanged. The sizes come from
// the environment so that the default run is quick; the figure:
//
//	UPSERT_BENCH_STAKEHOLDERS=10000 UPSERT_BENCH_EDGES=20000 \
//	  go test ./graph/apitest -run '^$' -bench '^BenchmarkUpsert' -benchmem -benchtime 1x
//
// Each reports rows/s, stmts/call (the SQL statements of one call) and,
// with -benchmem, the memory the server and the client allocate. These two
// run on SQLite; BenchmarkUpsertMetricsLoad loads the metrics data's shape
// on PostgreSQL (see there).

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent/store/storetest"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// envSize is the environment variable's number, or the default.
func envSize(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// importServer is the handler over a fresh SQLite file.
type importServer struct {
	url   string
	stmts atomic.Int64
	calls int64
}

func newImportServer(b *testing.B) *importServer {
	b.Helper()
	return newImportServerAt(b, filepath.Join(b.TempDir(), "import.db"))
}

// newImportServerAt is the handler over the database at target (a SQLite
// file or a PostgreSQL URL).
func newImportServerAt(b *testing.B, target string) *importServer {
	b.Helper()
	s, err := storetest.Open(target)
	if err != nil {
		b.Fatal(err)
	}
	is := &importServer{}
	counted := &countingDriver{Driver: entsql.OpenDB(s.Dialect, s.DB), n: &is.stmts}
	settings := testSettings()
	settings.Log = slog.New(slog.DiscardHandler)
	settings.Limits.Timeout = new(10 * time.Minute) // a whole call of the largest size on a slow machine
	settings.Limits.MaxBodyBytes = new(int64(64 << 20))
	srv := httptest.NewServer(httpedge.NewHandler(counted, settings))
	b.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	is.url = srv.URL + "/query"
	return is
}

// upsert sends the rows in calls of chunk rows and returns the outcomes counted.
func (is *importServer) upsert(b *testing.B, query, field string, rows []map[string]any, chunk int) map[string]int {
	b.Helper()
	got := map[string]int{}
	for part := range slices.Chunk(rows, chunk) {
		r := benchMust(b, is.url, query, map[string]any{"rows": part, "mode": "ATOMIC"})
		for _, o := range []string{"created", "updated", "unchanged"} {
			n, _ := get(r.Data, field, o).(float64)
			got[o] += int(n)
		}
		is.calls++
	}
	return got
}

const upsertStakeholderCounts = `mutation($rows: [StakeholderUpsertInput!]!, $mode: UpsertMode!) {
	upsertStakeholders(input: $rows, mode: $mode) { created updated unchanged } }`

const upsertEdgeCounts = `mutation($rows: [InfluenceEdgeUpsertInput!]!, $mode: UpsertMode!) {
	upsertInfluenceEdges(input: $rows, mode: $mode) { created updated unchanged } }`

// importRows are the account's stakeholders, managers first so that every
// call names managers already written or in the call, and the edges.
func importRows(people, edges int) ([]map[string]any, []map[string]any) {
	org := orgRows("big", people, 7)
	level := func(r map[string]any) int {
		switch r["reportsToExternalID"] {
		case nil:
			return 0
		case "big-p0":
			return 1
		}
		return 2
	}
	slices.SortStableFunc(org, func(a, b map[string]any) int { return level(a) - level(b) })
	return org, edgeRows("big", people, min(edges, 3*people))
}

// run imports the rows into a new database (first) or replays them into one
// already holding them (replay), and reports the figures.
func runImport(b *testing.B, replay bool) {
	people := envSize("UPSERT_BENCH_STAKEHOLDERS", 1000)
	edges := envSize("UPSERT_BENCH_EDGES", 2*people)
	chunk := envSize("UPSERT_BENCH_CHUNK", 1000)
	org, links := importRows(people, edges)
	var is *importServer
	var elapsed time.Duration
	var stmts int64
	var calls int64
	b.ReportAllocs()
	for range b.N {
		b.StopTimer()
		if is == nil || !replay {
			is = newImportServer(b)
			is.upsert(b, upsertAccounts, "upsertAccounts", []map[string]any{{"externalID": "big", "name": "Big Co"}}, 1)
			if replay {
				is.upsert(b, upsertStakeholderCounts, "upsertStakeholders", org, chunk)
				is.upsert(b, upsertEdgeCounts, "upsertInfluenceEdges", links, chunk)
			}
		}
		beforeStmts, beforeCalls := is.stmts.Load(), is.calls
		b.StartTimer()
		start := time.Now()
		s := is.upsert(b, upsertStakeholderCounts, "upsertStakeholders", org, chunk)
		e := is.upsert(b, upsertEdgeCounts, "upsertInfluenceEdges", links, chunk)
		elapsed += time.Since(start)
		b.StopTimer()
		stmts += is.stmts.Load() - beforeStmts
		calls += is.calls - beforeCalls
		want := "created"
		if replay {
			want = "unchanged"
		}
		if s[want] != len(org) || e[want] != len(links) {
			b.Fatalf("stakeholders %v, edges %v: want all %s", s, e, want)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(len(org)+len(links))*float64(b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(stmts)/float64(calls), "stmts/call")
	b.ReportMetric(float64(len(org)+len(links)), "rows")
}

func BenchmarkUpsertFirstImport(b *testing.B) { runImport(b, false) }

func BenchmarkUpsertReplay(b *testing.B) { runImport(b, true) }

// BenchmarkUpsertMetricsLoad loads the shape of the metrics benchmark's data
// (graph/metrics/metricstest: per account 12 quarterly revenue records and 20
// deals, an ACTIVE plan for most STRATEGIC and KEY accounts) through the
// upsert API on PostgreSQL, in ATOMIC calls of 5,000 rows, an account's rows
// together as a CRM export lists them. Every deal and revenue record changes
// the metric totals that accounts of one segment share: the load stays
// linear only if a call writes them once, not once per record or account.
// It reports the median rows/s of the first three and the last three calls
// of each kind (the load is linear when they are alike), all calls' rows/s
// and stmts/call, and prints every call. The whole data set (10,000 accounts):
//
//	UPSERT_BENCH_ACCOUNTS=10000 go test ./graph/apitest -run '^$' -bench '^BenchmarkUpsertMetricsLoad$' -benchtime 1x
func BenchmarkUpsertMetricsLoad(b *testing.B) {
	accounts := envSize("UPSERT_BENCH_ACCOUNTS", 2000)
	for range b.N {
		b.StopTimer()
		is := newImportServerAt(b, storetest.PostgresDatabase(b))
		sellers := make([]map[string]any, 50)
		for i := range sellers {
			sellers[i] = map[string]any{"name": fmt.Sprintf("Seller %02d", i), "email": fmt.Sprintf("seller%02d@example.com", i)}
		}
		is.createUsers(b, sellers)
		rows := metricsRows(accounts)
		b.StartTimer()
		var all []callFigure
		for _, kind := range rows {
			calls := is.timedUpsert(b, kind.query, kind.field, kind.rows, upsertCallRows)
			for n, c := range calls {
				// Every call, not the 10 lines a benchmark's log keeps.
				fmt.Fprintf(os.Stderr, "%-20s call %3d: %5d rows, %6.0f rows/s, %3d statements\n", kind.field, n+1, c.rows, c.rate(), c.stmts)
			}
			if len(calls) >= 6 {
				// Medians of three, as the machine's load moves single calls.
				b.ReportMetric(medianRate(calls[:3]), kind.unit+"-first3-rows/s")
				b.ReportMetric(medianRate(calls[len(calls)-3:]), kind.unit+"-last3-rows/s")
			}
			all = append(all, calls...)
		}
		var total callFigure
		for _, c := range all {
			total.rows, total.stmts, total.took = total.rows+c.rows, total.stmts+c.stmts, total.took+c.took
		}
		b.ReportMetric(total.rate(), "rows/s")
		b.ReportMetric(float64(total.stmts)/float64(len(all)), "stmts/call")
		b.ReportMetric(float64(total.rows), "rows")
	}
}

// upsertCallRows is the rows of each call of the load: the most one call takes.
const upsertCallRows = 5000

// callFigure is what one call of a load took.
type callFigure struct {
	rows  int
	stmts int64
	took  time.Duration
}

func (c callFigure) rate() float64 { return float64(c.rows) / c.took.Seconds() }

// medianRate is the median of the calls' rows/s.
func medianRate(calls []callFigure) float64 {
	rates := make([]float64, len(calls))
	for i, c := range calls {
		rates[i] = c.rate()
	}
	slices.Sort(rates)
	return rates[len(rates)/2]
}

// timedUpsert is upsert, call by call, with each call's time and statements.
func (is *importServer) timedUpsert(b *testing.B, query, field string, rows []map[string]any, chunk int) []callFigure {
	b.Helper()
	var out []callFigure
	for part := range slices.Chunk(rows, chunk) {
		before, start := is.stmts.Load(), time.Now()
		got := is.upsert(b, query, field, part, chunk)
		out = append(out, callFigure{rows: len(part), stmts: is.stmts.Load() - before, took: time.Since(start)})
		if got["created"] != len(part) {
			b.Fatalf("%s: %v of %d rows", field, got, len(part))
		}
	}
	return out
}

// createUsers creates the users the rows name by e-mail, as an admin would.
func (is *importServer) createUsers(b *testing.B, users []map[string]any) {
	b.Helper()
	for _, u := range users {
		benchMust(b, is.url, `mutation($in: CreateUserInput!) { createUser(input: $in) { id } }`, map[string]any{"in": u})
	}
}

// loadKind is one kind of record of a load, in the order it is sent.
type loadKind struct {
	field, unit, query string
	rows               []map[string]any
}

// metricsRows are the accounts, plans, revenue records and deals of the
// metrics data's shape for n accounts, drawn as graph/metrics/metricstest draws them.
func metricsRows(n int) []loadKind {
	rnd := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	const quarters, dealsPerAccount = 12, 20
	end := start.AddDate(0, 3*quarters, 0)
	industries := []string{"High Tech", "Financial Services", "Retail", "Healthcare", "Manufacturing", "Energy", "Media"}
	regions := []string{"North America", "EMEA", "APAC", "LATAM"}
	tier := func(i int) string {
		switch i % 20 {
		case 0, 10:
			return "STRATEGIC"
		case 5, 15, 3:
			return "KEY"
		}
		return "GENERAL"
	}
	day := func(t time.Time) string { return t.Format(time.RFC3339) }
	var accounts, plans, revenue, deals []map[string]any
	for i := range n {
		acc := fmt.Sprintf("acc%05d", i)
		accounts = append(accounts, map[string]any{"externalID": acc, "name": fmt.Sprintf("Account %05d", i), "tier": tier(i),
			"industry": industries[i%len(industries)], "region": regions[i/7%len(regions)], "ownerEmail": fmt.Sprintf("seller%02d@example.com", i%50)})
		if (tier(i) != "GENERAL" && i%7 != 0) || i%20 == 1 {
			from := start.AddDate(0, 3*(i%10), 0)
			plans = append(plans, map[string]any{"externalID": acc + "-plan", "accountExternalID": acc, "name": "Growth plan", "status": "ACTIVE",
				"periodStart": day(from), "periodEnd": day(from.AddDate(0, 3*(1+i%6), -1))})
		}
		arr := int64(rnd.IntN(5_000_000)+10_000) * 100
		for q := range quarters {
			r := map[string]any{"externalID": fmt.Sprintf("%s-q%02d", acc, q), "accountExternalID": acc,
				"periodStart": day(start.AddDate(0, 3*q, 0)), "periodEnd": day(start.AddDate(0, 3*q+3, -1)), "startingRevenue": arr}
			var expansion, contraction, churn int64
			if arr > 0 && rnd.IntN(100) < 2 {
				churn = arr
			} else if arr > 0 {
				expansion, contraction = arr*int64(rnd.IntN(12))/100, arr*int64(rnd.IntN(5))/100
			}
			r["expansion"], r["contraction"], r["churn"] = expansion, contraction, churn
			revenue = append(revenue, r)
			arr += expansion - contraction - churn
		}
		days := int(end.Sub(start).Hours() / 24)
		for d := range dealsPerAccount {
			opened := start.AddDate(0, 0, rnd.IntN(days))
			closed := opened.AddDate(0, 0, 5+rnd.IntN(200))
			r := map[string]any{"externalID": fmt.Sprintf("%s-d%02d", acc, d), "accountExternalID": acc, "name": fmt.Sprintf("Deal %d", d),
				"amount": int64(rnd.IntN(20_000)+100) * 100, "openedAt": day(opened)}
			switch outcome := rnd.IntN(100); {
			case closed.After(end) || outcome < 15:
				r["stage"] = []string{"PROSPECTING", "QUALIFICATION", "PROPOSAL", "NEGOTIATION"}[d%4]
			case outcome < 60:
				r["stage"], r["closedAt"] = "CLOSED_WON", day(closed)
			default:
				r["stage"], r["closedAt"] = "CLOSED_LOST", day(closed)
			}
			deals = append(deals, r)
		}
	}
	return []loadKind{
		{"upsertAccounts", "accounts", `mutation($rows: [AccountUpsertInput!]!, $mode: UpsertMode!) { upsertAccounts(input: $rows, mode: $mode) { created updated unchanged } }`, accounts},
		{"upsertAccountPlans", "plans", `mutation($rows: [AccountPlanUpsertInput!]!, $mode: UpsertMode!) { upsertAccountPlans(input: $rows, mode: $mode) { created updated unchanged } }`, plans},
		{"upsertRevenueRecords", "revenue", `mutation($rows: [RevenueRecordUpsertInput!]!, $mode: UpsertMode!) { upsertRevenueRecords(input: $rows, mode: $mode) { created updated unchanged } }`, revenue},
		{"upsertOpportunities", "deals", `mutation($rows: [OpportunityUpsertInput!]!, $mode: UpsertMode!) { upsertOpportunities(input: $rows, mode: $mode) { created updated unchanged } }`, deals},
	}
}
