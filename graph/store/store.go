// Package store opens the database (an embedded SQLite file or PostgreSQL),
// migrates its schema and hands back the ent client.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver, registered as "pgx"
	_ "github.com/mattn/go-sqlite3"    // SQLite driver, registered as "sqlite3"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/migrate"
	_ "github.com/accountplan/accountplan/ent/runtime" // schema hooks and defaults
	entschema "github.com/accountplan/accountplan/ent/schema"
)

// Store is an open, migrated database.
type Store struct {
	Client  *ent.Client
	DB      *sql.DB
	Dialect string
}

// Open connects to a postgres:// or postgresql:// URL, or else to the SQLite
// file at the given path, and migrates the schema.
func Open(ctx context.Context, target string, opts ...ent.Option) (*Store, error) {
	s, err := OpenMigrated(target, opts...)
	if err != nil {
		return nil, err
	}
	if err := s.Client.Schema.Create(ctx, migrate.WithForeignKeys(true), schema.WithHooks(withMetricsTables)); err != nil {
		s.DB.Close()
		return nil, fmt.Errorf("migrating the schema: %w", err)
	}
	if err := s.fillCalendar(ctx); err != nil {
		s.DB.Close()
		return nil, fmt.Errorf("migrating the schema: calendar numbers: %w", err)
	}
	if err := s.countTotals(ctx); err != nil {
		s.DB.Close()
		return nil, fmt.Errorf("migrating the schema: metric totals: %w", err)
	}
	return s, nil
}

// OpenMigrated connects like Open but does not migrate: only for a database
// that Open of this version has migrated, or an exact copy of one.
func OpenMigrated(target string, opts ...ent.Option) (*Store, error) {
	s, err := connect(target)
	if err != nil {
		return nil, err
	}
	s.Client = ent.NewClient(append(opts, ent.Driver(entsql.OpenDB(s.Dialect, s.DB)))...)
	return s, nil
}

func connect(target string) (*Store, error) {
	if IsPostgres(target) {
		db, err := sql.Open("pgx", target)
		if err != nil {
			return nil, err
		}
		// A pool sized for a small server; PostgreSQL's default limit is 100 connections.
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(10)
		db.SetConnMaxIdleTime(5 * time.Minute)
		return &Store{DB: db, Dialect: dialect.Postgres}, nil
	}
	db, err := sql.Open("sqlite3", sqliteDSN(target))
	if err != nil {
		return nil, err
	}
	return &Store{DB: db, Dialect: dialect.SQLite}, nil
}

// IsPostgres tells whether the target is a PostgreSQL URL rather than a SQLite path.
func IsPostgres(target string) bool {
	return strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://")
}

// sqliteDSN turns a file path into a DSN with foreign keys on, WAL journaling
// (readers never wait for the writer) and a busy timeout instead of SQLITE_BUSY
// errors; _txlock=immediate takes the write lock when a transaction begins, so
// two writers queue instead of failing halfway.
// cache_size and temp_store stay at SQLite's defaults on purpose: the sorter
// behind the metrics' GROUP BYs sorts runs the size of the page cache (2 MB)
// that fit the CPU's caches and merges them from a temporary file. A 32 MB
// cache made the tier × quarter rollup on the benchmark data about 20% slower
// while saving an org map's edge statement 15–20%; a 64 MB cache or
// temp_store=MEMORY made the rollup 30–50% slower in CPU time, and mmap_size
// changed nothing measurable.
func sqliteDSN(path string) string {
	q := url.Values{}
	q.Set("_fk", "1")
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "5000")
	q.Set("_txlock", "immediate")
	q.Set("_synchronous", "NORMAL")
	return "file:" + path + "?" + q.Encode()
}

// countTotals puts the accounts that the metric totals do not hold yet into
// them, in one transaction: all of them, the first time a database from
// before the totals opens; else those without deals or revenue records.
func (s *Store) countTotals(ctx context.Context) error {
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return err
	}
	if err := entschema.CountTotals(ctx, tx.Client()); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.DB.PingContext(ctx) }

// Close closes the database.
func (s *Store) Close() error { return s.Client.Close() }
