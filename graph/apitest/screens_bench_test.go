package apitest

// Benchmarks of three frontend screens through the real HTTP handler, on
// SQLite and, when one answers, PostgreSQL, with the map cache off: issue
// 15's request shapes over the data of graph/benchdata. They run only with
// -bench, for example:
//
//	go test ./graph/apitest -run '^$' -bench '^BenchmarkScreens' -benchmem -benchtime 1x
//
// Each reports ns/op, B/op and allocs/op (server and client together, in one
// process) and stmts/op. BENCH_ACCOUNTS (default 100), BENCH_STAKEHOLDERS
// (50 per account) and BENCH_EDGES (100 influence edges per account) size the
// data, generated anew for each database and run.

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent/store/storetest"
	"github.com/accountplan/accountplan/graph/benchdata"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// benchSettings are an open server's with the map cache and the rate limit off and no log.
func benchSettings() httpedge.Settings {
	s := withoutMapCache(testSettings())
	s.Log = slog.New(slog.DiscardHandler)
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
		name   string
		target func(testing.TB) string
	}{{"sqlite", storetest.SQLiteFile}, {"postgres", storetest.PostgresDatabase}} {
		b.Run(db.name, func(b *testing.B) {
			bs := newScreensServer(b, db.target(b))
			for _, screen := range benchdata.Screens {
				var vars map[string]any
				if screen.ByAccount {
					vars = map[string]any{"id": gid(bs.account)}
				}
				b.Run(screen.Name, func(b *testing.B) { bs.run(b, screen.Query, vars) })
			}
		})
	}
}

// newScreensServer is the handler, with the map cache off, over the generated data in the target database.
func newScreensServer(b *testing.B, target string) *benchServer {
	b.Helper()
	s, err := storetest.Open(target)
	if err != nil {
		b.Fatal(err)
	}
	bs := &benchServer{client: s.Client}
	ids, err := benchdata.Generate(context.Background(), s.Client, benchSize())
	if err != nil {
		b.Fatal(err)
	}
	bs.account = ids[0]
	counted := &countingDriver{Driver: entsql.OpenDB(s.Dialect, s.DB), n: &bs.stmts}
	srv := httptest.NewServer(httpedge.NewHandler(counted, benchSettings()))
	b.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	bs.url = srv.URL + "/query"
	return bs
}
