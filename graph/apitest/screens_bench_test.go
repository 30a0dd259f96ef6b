package apitest

// Benchmarks of three frontend screens through the real HTTP handler, on
// SQLite and, when one answers, PostgreSQL, with the map cache off: issue
// 15's request shapes over the data of graph/benchdata. They run only with
// -bench, for example:
//
//	go test ./graph/apitest -run '^$' -bench '^BenchmarkScreens' -benchmem -benchtime 1x
//
// Each reports ns/op, B/op and allocs/op (server and client together, in one
// process), stmts/op, cpu-ms/op (this process) and, when the PostgreSQL
// server runs on this machine, pg-cpu-ms/op (its backends for the database). BENCH_ACCOUNTS (default 100), BENCH_STAKEHOLDERS
// (50 per account) and BENCH_EDGES (100 influence edges per account) size the
// data, generated anew for each database and run; BENCH_SQLITE (a file) and
// BENCH_POSTGRES (a URL) name a database graph/loadtest -generate filled
// instead, read as it is, so that a profile holds only the requests.

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/store/storetest"
	"github.com/accountplan/accountplan/graph/benchdata"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// benchSettings are an open server's with the map cache and the rate limit
// off and no log; BENCH_LEVEL_BY_LEVEL=1 answers every query level by level,
// not in one statement, to compare the two.
func benchSettings() httpedge.Settings {
	s := withoutMapCache(testSettings())
	s.Log = slog.New(slog.DiscardHandler)
	s.GraphQL.LevelByLevel = os.Getenv("BENCH_LEVEL_BY_LEVEL") == "1"
	return s
}

// benchSize is the data the screen benchmarks read, from the environment.
func benchSize() benchdata.Size {
	return benchdata.Size{
		Accounts:       envSize("BENCH_ACCOUNTS", 100),
		Stakeholders:   envSize("BENCH_STAKEHOLDERS", 50),
		InfluenceEdges: envSize("BENCH_EDGES", 100),
		Seed:           1,
	}
}

func BenchmarkScreens(b *testing.B) {
	for _, db := range []struct {
		name, env string
		target    func(testing.TB) string
	}{{"sqlite", "BENCH_SQLITE", storetest.SQLiteFile}, {"postgres", "BENCH_POSTGRES", storetest.PostgresDatabase}} {
		b.Run(db.name, func(b *testing.B) {
			var bs *benchServer
			if target := os.Getenv(db.env); target != "" {
				bs = newScreensServer(b, target, false)
			} else {
				bs = newScreensServer(b, db.target(b), true)
			}
			for _, screen := range append(benchdata.Screens, fixedCostScreens...) {
				var vars map[string]any
				if screen.ByAccount {
					vars = map[string]any{"id": gid(bs.account)}
				}
				b.Run(screen.Name, func(b *testing.B) { bs.run(b, screen.Query, vars) })
			}
		})
	}
}

// fixedCostScreens are loadtest's smaller shapes, where what every request and
// every object costs, whatever it asks, shows, and the smallest query there is.
var fixedCostScreens = []benchdata.Screen{
	{Name: "nested20", Query: benchdata.Nested20},
	{Name: "relayin", Query: benchdata.RelayIn, ByAccount: true},
	{Name: "people", Query: benchdata.People},
	{Name: "counts3", Query: benchdata.Counts3},
	{Name: "countsdeep", Query: benchdata.CountsDeep},
	{Name: "deep", Query: benchdata.Deep, ByAccount: true},
	{Name: "list", Query: benchdata.List},
	{Name: "typename", Query: `{ __typename }`},
}

// newScreensServer is the handler, with the map cache off, over the
// benchmark data in the target database, which it writes first if generate.
func newScreensServer(b *testing.B, target string, generate bool) *benchServer {
	b.Helper()
	s, err := storetest.Open(target)
	if err != nil {
		b.Fatal(err)
	}
	bs := &benchServer{client: s.Client}
	if generate {
		ids, err := benchdata.Generate(context.Background(), s.Client, benchSize())
		if err != nil {
			b.Fatal(err)
		}
		bs.account = ids[0]
	} else if bs.account, err = s.Client.Account.Query().Order(ent.Asc(account.FieldName)).FirstID(context.Background()); err != nil {
		b.Fatalf("%s holds no generated accounts: %v", target, err)
	}
	counted := &countingDriver{Driver: s.Driver, n: &bs.stmts}
	srv := httptest.NewServer(httpedge.NewHandler(counted, benchSettings()))
	b.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	bs.url = srv.URL + "/query"
	if s.Dialect == dialect.Postgres {
		var name string
		if err := s.DB.QueryRow("SELECT current_database()").Scan(&name); err != nil {
			b.Fatal(err)
		}
		bs.dbCPU = backendsCPU(name, func() int { return s.DB.Stats().OpenConnections })
	}
	return bs
}

// backendsCPU returns the CPU time the PostgreSQL backends serving database
// name have used, read from /proc, or nil when no such process is visible
// (the server is on another machine or its processes are hidden). It looks
// the backends up in /proc again only when the pool's open connections
// (open) change or one of them is gone: a walk of /proc per request cost this
// process more CPU than a small request, and counted it in cpu-ms/op.
func backendsCPU(name string, open func() int) func() time.Duration {
	find := func() []string {
		var stats []string
		procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
		for _, p := range procs {
			cmd, err := os.ReadFile(p)
			// A backend's title is "postgres: <cluster>: <user> <database> <client> <state>".
			if err == nil && bytes.HasPrefix(cmd, []byte("postgres: ")) && bytes.Contains(cmd, []byte(" "+name+" ")) {
				stats = append(stats, filepath.Join(filepath.Dir(p), "schedstat"))
			}
		}
		return stats
	}
	// read sums schedstat's first field, the nanoseconds each process has run on a CPU; false when one is gone.
	read := func(stats []string) (time.Duration, bool) {
		var total time.Duration
		for _, p := range stats {
			stat, err := os.ReadFile(p)
			if err != nil {
				return 0, false
			}
			fields := strings.Fields(string(stat))
			if len(fields) == 0 {
				return 0, false
			}
			if ns, err := strconv.ParseInt(fields[0], 10, 64); err == nil {
				total += time.Duration(ns)
			}
		}
		return total, true
	}
	stats, conns := find(), open()
	if len(stats) == 0 {
		return nil
	}
	return func() time.Duration {
		if n := open(); n != conns {
			stats, conns = find(), n
		}
		t, ok := read(stats)
		if !ok {
			stats = find()
			t, _ = read(stats)
		}
		return t
	}
}
