package quietrows_test

import (
	"context"
	"errors"
	"runtime/metrics"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func query(ctx context.Context, s *store.Store, sql string) (int, error) {
	var rows entsql.Rows
	if err := s.Driver.Query(ctx, sql, []any{}, &rows); err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// goroutinesCreated is how many goroutines this process has started.
func goroutinesCreated() uint64 {
	s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestNoGoroutinePerRead: a read under a context that can end starts no
// goroutine of database/sql's; the statement's rows arrive whole.
func TestNoGoroutinePerRead(t *testing.T) {
	s := storetest.Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := query(ctx, s, "SELECT 1"); err != nil { // the connection, opened
		t.Fatal(err)
	}
	const reads = 200
	before := goroutinesCreated()
	for range reads {
		n, err := query(ctx, s, "SELECT generate_series(1, 3)")
		if err != nil || n != 3 {
			t.Fatalf("%d rows, %v; want 3", n, err)
		}
	}
	if started := goroutinesCreated() - before; started >= reads/2 {
		t.Errorf("%d goroutines started for %d reads, want fewer than one per read", started, reads)
	}
	if st := s.DB.Stats(); st.InUse != 0 {
		t.Errorf("%d connections still in use after the reads", st.InUse)
	}
}

// TestReadCancelled: the request's end still cancels its statement in
// PostgreSQL, and a read waiting for a connection stops waiting.
func TestReadCancelled(t *testing.T) {
	s := storetest.Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := query(ctx, s, "SELECT pg_sleep(30)"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a statement past the deadline: %v, want the deadline's error", err)
	}
	// The connection went back to the pool and still works.
	if n, err := query(context.Background(), s, "SELECT 1"); err != nil || n != 1 {
		t.Errorf("after a cancelled statement: %d rows, %v", n, err)
	}

	s.DB.SetMaxOpenConns(1)
	held, err := s.DB.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := query(ctx, s, "SELECT 1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting for a connection past the deadline: %v, want the deadline's error", err)
	}
}

// TestReadAfterConnectionLost: a read that finds its pooled connection
// closed by the server takes another, as database/sql's own reads do.
func TestReadAfterConnectionLost(t *testing.T) {
	s := storetest.Postgres(t)
	s.DB.SetMaxOpenConns(1)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var pid int
	if err := s.DB.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	admin, err := entsql.Open("pgx", storetest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.DB().ExecContext(ctx, "SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the backend exits
	if n, err := query(ctx, s, "SELECT 1"); err != nil || n != 1 {
		t.Errorf("after the connection was lost: %d rows, %v; want 1 row", n, err)
	}
}
