package dispatch_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/ent/store/storetest"
	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph/dispatch"
	"github.com/accountplan/accountplan/graph/webhook"
)

// benchStores are a SQLite file and, when a server answers, a PostgreSQL database.
func benchStores(b *testing.B, run func(b *testing.B, s *store.Store)) {
	b.Run("sqlite", func(b *testing.B) {
		s, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		run(b, s)
	})
	b.Run("postgres", func(b *testing.B) {
		admin, err := sql.Open("pgx", storetest.PostgresURL())
		if err == nil {
			err = admin.Ping()
		}
		if err != nil {
			b.Skip("no PostgreSQL:", err)
		}
		defer admin.Close()
		name := fmt.Sprintf("bench_webhooks_%d", time.Now().UnixNano())
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			b.Fatal(err)
		}
		defer admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
		u, _ := url.Parse(storetest.PostgresURL())
		u.Path = "/" + name
		s, err := store.Open(context.Background(), u.String())
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		run(b, s)
	})
}

// benchSetup is an account of n stakeholders, an admin, and an endpoint on a
// loopback receiver that counts what it accepts.
func benchSetup(b *testing.B, c *ent.Client, n int) (context.Context, []int, *atomic.Int64) {
	ctx := context.Background()
	var got atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		got.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	b.Cleanup(srv.Close)
	id := c.User.Create().SetName("Ada").SetEmail("ada@example.com").SetRole(user.RoleADMIN).SaveX(ctx).ID
	as := viewer.NewContext(ctx, viewer.Viewer{UserID: id, Role: viewer.RoleAdmin})
	u := srv.URL
	if _, err := webhook.CreateEndpoint(as, c, webhook.EndpointInput{URL: &u, EventTypes: []string{"*"}}, true); err != nil {
		b.Fatal(err)
	}
	acc := c.Account.Create().SetName("bench").SaveX(ctx)
	people := make([]int, n)
	for i := range people {
		people[i] = c.Stakeholder.Create().SetName(fmt.Sprint("person ", i)).SetAccountID(acc.ID).SaveX(ctx).ID
	}
	return as, people, &got
}

// BenchmarkDispatchThroughput: events sent per second to a loopback receiver,
// fan-out included, 100 per step over 16 connections.
func BenchmarkDispatchThroughput(b *testing.B) {
	benchStores(b, func(b *testing.B, s *store.Store) {
		as, people, got := benchSetup(b, s.Client, 100)
		d := dispatch.New(s.Client, dispatch.Settings{AllowPrivate: true})
		const perRound = 500
		b.ResetTimer()
		for i := range b.N {
			b.StopTimer()
			tx, _ := s.Client.Tx(as)
			ctx := ent.NewTxContext(as, tx)
			for j := range perRound {
				tx.Stakeholder.UpdateOneID(people[j%len(people)]).SetTitle(fmt.Sprint(i, "-", j)).ExecX(ctx)
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			want := int64(perRound * (i + 1))
			for got.Load() < want {
				if _, err := d.Step(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(got.Load())/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric(0, "ns/op")
	})
}

// BenchmarkCommitToDelivery: from a mutation's commit to its webhook's
// arrival at a loopback receiver, with the dispatcher running as in the server.
func BenchmarkCommitToDelivery(b *testing.B) {
	benchStores(b, func(b *testing.B, s *store.Store) {
		as, people, got := benchSetup(b, s.Client, 1)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go dispatch.New(s.Client, dispatch.Settings{AllowPrivate: true}).Run(ctx)
		var wait time.Duration
		for i := range b.N {
			tx, _ := s.Client.Tx(as)
			tx.Stakeholder.UpdateOneID(people[0]).SetTitle(fmt.Sprint(i)).ExecX(ent.NewTxContext(as, tx))
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			committed := time.Now()
			for got.Load() < int64(i+1) {
				time.Sleep(50 * time.Microsecond)
			}
			wait += time.Since(committed)
		}
		b.ReportMetric(float64(wait.Microseconds())/float64(b.N), "µs/delivery")
	})
}
