// Package store opens the database (an embedded SQLite file or PostgreSQL),
// migrates its schema and hands back the ent client.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/mattn/go-sqlite3"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/migrate"
	_ "github.com/accountplan/accountplan/ent/runtime" // schema hooks and defaults
	"github.com/accountplan/accountplan/ent/schema/calendar"
	"github.com/accountplan/accountplan/ent/schema/totals"
	"github.com/accountplan/accountplan/ent/store/inlist"
	"github.com/accountplan/accountplan/ent/store/quietrows"
)

// Store is an open, migrated database.
type Store struct {
	Client  *ent.Client
	DB      *sql.DB
	Dialect string
	// Driver is the ent driver Client runs on, for a caller that makes clients of its own.
	Driver dialect.Driver
}

// Open connects to a postgres:// or postgresql:// URL or a libpq key=value
// string, or else to the SQLite file at the given path, and migrates the schema.
func Open(ctx context.Context, target string, opts ...ent.Option) (*Store, error) {
	s, err := OpenMigrated(target, opts...)
	if err != nil {
		return nil, err
	}
	if err := s.DB.PingContext(ctx); err != nil {
		s.DB.Close()
		return nil, connectError(err)
	}
	// The migration's own SQL goes as it is, without the IN lists' rewriting.
	if err := migrateTo(ctx, entsql.OpenDB(s.Dialect, s.DB)); err != nil {
		s.DB.Close()
		return nil, fmt.Errorf("migrating the schema: %w", err)
	}
	if err := calendar.Fill(ctx, s.DB, s.Dialect); err != nil {
		s.DB.Close()
		return nil, fmt.Errorf("migrating the schema: calendar numbers: %w", err)
	}
	if err := s.countTotals(ctx); err != nil {
		s.DB.Close()
		return nil, fmt.Errorf("migrating the schema: metric totals: %w", err)
	}
	return s, nil
}

// migrateTo runs ent's migration, with the metric totals' tables and
// indexes, on drv. It drops the indexes the schema no longer declares (the
// influence edges' unique index was built kind first until issue 15), so
// that the indexes built are the ones declared.
func migrateTo(ctx context.Context, drv dialect.Driver) error {
	// ent's migration changes the tables it is given (it shortens long names
	// to the database's limit), and migrate.Tables is shared by every store.
	tables, err := schema.CopyTables(migrate.Tables)
	if err != nil {
		return err
	}
	joinTableIndexes(tables)
	if err := dropRetiredIndexes(ctx, drv); err != nil {
		return err
	}
	if err := upgradeReviews(ctx, drv); err != nil {
		return fmt.Errorf("giving reviews an account and a scheduled time: %w", err)
	}
	return migrate.Create(ctx, migrate.NewSchema(drv), tables, migrate.WithForeignKeys(true), schema.WithHooks(totals.Migrate))
}

// retiredIndexes are indexes earlier releases built and this one replaces,
// by the names ent gave them on SQLite and on PostgreSQL. They are dropped by
// name, so that an index an operator added by hand is left alone.
var retiredIndexes = []string{
	// influence_edges (kind, out, in): now (out, in, kind), which also serves "the edges out of X".
	"influenceedge_kind_stakeholder__3fb1205c98b511566aa560ec77d9bb6d",
	"influenceedge_kind_stakeholder_3fb1205c98b511566aa560ec77d9bb6d",
}

// dropRetiredIndexes drops those of retiredIndexes the database has; a
// database without them is left as it is, so a migration plan stays empty.
func dropRetiredIndexes(ctx context.Context, drv dialect.Driver) error {
	exists := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?`
	if drv.Dialect() == dialect.Postgres {
		exists = `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1`
	}
	for _, name := range retiredIndexes {
		var rows entsql.Rows
		if err := drv.Query(ctx, exists, []any{name}, &rows); err != nil {
			return err
		}
		n, err := entsql.ScanInt(rows)
		rows.Close()
		if err != nil {
			return err
		}
		if n == 0 {
			continue
		}
		if err := drv.Exec(ctx, `DROP INDEX "`+name+`"`, []any{}, nil); err != nil {
			return fmt.Errorf("dropping the retired index %s: %w", name, err)
		}
	}
	return nil
}

// joinTableIndexes indexes the second column of each edge's join table
// (review_attendees' user_id): ent keys a join table by both columns, in
// that order, and declares no index of its own, so walking the edge from
// its other end (a user's reviews) would scan the table.
func joinTableIndexes(tables []*schema.Table) {
	for _, t := range tables {
		if len(t.PrimaryKey) != 2 || len(t.ForeignKeys) != 2 {
			continue
		}
		c := t.PrimaryKey[1]
		t.Indexes = append(t.Indexes, &schema.Index{Name: t.Name + "_" + c.Name, Columns: []*schema.Column{c}})
	}
}

// upgradeReviews gives the reviews of a database from before reviews had an
// account and a scheduled time both, before the migration requires
// scheduledAt: each review is of its plan's account, scheduled when it was
// held (and HELD: the status column's default). A database with the columns,
// or without reviews yet, is left as it is.
func upgradeReviews(ctx context.Context, drv dialect.Driver) error {
	old := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'reviews'
		AND NOT EXISTS (SELECT 1 FROM pragma_table_info('reviews') WHERE name = 'scheduled_at')`
	timeType, idType := "datetime", "integer"
	if drv.Dialect() == dialect.Postgres {
		old = `SELECT COUNT(*) FROM information_schema.tables t WHERE t.table_schema = current_schema() AND t.table_name = 'reviews'
			AND NOT EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_schema = t.table_schema AND c.table_name = 'reviews' AND c.column_name = 'scheduled_at')`
		timeType, idType = "timestamptz", "bigint"
	}
	var rows entsql.Rows
	if err := drv.Query(ctx, old, []any{}, &rows); err != nil {
		return err
	}
	n, err := entsql.ScanInt(rows)
	rows.Close()
	if err != nil || n == 0 {
		return err
	}
	for _, stmt := range []string{
		`ALTER TABLE "reviews" ADD COLUMN "scheduled_at" ` + timeType + ` NULL`,
		`ALTER TABLE "reviews" ADD COLUMN "account_reviews" ` + idType + ` NULL`,
		`UPDATE "reviews" SET "scheduled_at" = "held_at", "account_reviews" = (SELECT "account_plans" FROM "account_plans" WHERE "account_plans"."id" = "reviews"."account_plan_reviews")`,
	} {
		if err := drv.Exec(ctx, stmt, []any{}, nil); err != nil {
			return err
		}
	}
	return nil
}

// Plan is the SQL that Open would run to migrate the database at target,
// which it leaves as it is.
func Plan(ctx context.Context, target string) (string, error) {
	s, err := connect(target)
	if err != nil {
		return "", err
	}
	defer s.DB.Close()
	var plan strings.Builder
	err = migrateTo(ctx, &schema.WriteDriver{Writer: &plan, Driver: entsql.OpenDB(s.Dialect, s.DB)})
	return plan.String(), err
}

// OpenMigrated connects like Open but does not migrate: only for a database
// that Open of this version has migrated, or an exact copy of one.
func OpenMigrated(target string, opts ...ent.Option) (*Store, error) {
	s, err := connect(target)
	if err != nil {
		return nil, err
	}
	s.Driver = inlist.Wrap(quietrows.Wrap(entsql.OpenDB(s.Dialect, s.DB)))
	s.Client = ent.NewClient(append(opts, ent.Driver(s.Driver))...)
	return s, nil
}

func connect(target string) (*Store, error) {
	kind, err := classify(target)
	if err != nil {
		return nil, err
	}
	if kind == dialect.Postgres {
		// pgx's connector, as sql.Open("pgx", target) would use it, for quietrows' reads.
		config, err := pgx.ParseConfig(target)
		if err != nil {
			return nil, err
		}
		db := sql.OpenDB(quietrows.Connector{Connector: stdlib.GetConnector(*config, stdlib.OptionAfterConnect(costSSD))})
		// A pool sized for a small server; PostgreSQL's default limit is 100 connections.
		// All of them stay open between requests: a new one costs PostgreSQL a backend
		// and pgx its prepared statements.
		db.SetMaxOpenConns(PostgresConns)
		db.SetMaxIdleConns(PostgresConns)
		db.SetConnMaxIdleTime(5 * time.Minute)
		return &Store{DB: db, Dialect: dialect.Postgres}, nil
	}
	if err := checkSQLitePath(target); err != nil {
		return nil, err
	}
	db, err := sql.Open(sqliteDriver, sqliteDSN(target))
	if err != nil {
		return nil, err
	}
	// Each connection holds its own page cache and prepared statements:
	// a few per core, kept open, rather than one per request, closed after it.
	db.SetMaxOpenConns(SQLiteConns())
	db.SetMaxIdleConns(SQLiteConns())
	return &Store{DB: db, Dialect: dialect.SQLite}, nil
}

// IsPostgres tells whether the target names a PostgreSQL database rather than a SQLite file.
func IsPostgres(target string) bool {
	kind, err := classify(target)
	return err == nil && kind == dialect.Postgres
}

var (
	// urlScheme is the scheme of a URL such as mysql://...
	urlScheme = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*)://`)
	// libpqKeywords opens a libpq connection string: host=db dbname=plans ...
	libpqKeywords = regexp.MustCompile(`^\s*(host|hostaddr|port|dbname|user|password|sslmode|service)\s*=`)
)

// classify tells which database a target names: a postgres:// or
// postgresql:// URL and a libpq key=value string name PostgreSQL, a path
// names a SQLite file; a URL of any other scheme is refused.
func classify(target string) (string, error) {
	switch m := urlScheme.FindStringSubmatch(target); {
	case target == "":
		return "", errors.New("no database: give -db a SQLite file path or a postgres:// URL")
	case m != nil && (m[1] == "postgres" || m[1] == "postgresql"):
		return dialect.Postgres, nil
	case m != nil:
		return "", fmt.Errorf("-db: %s:// databases are not supported: give a SQLite file path (e.g. accountplan.db) or a PostgreSQL URL (postgres://user@host:5432/dbname) or libpq string (host=... dbname=...)", m[1])
	case libpqKeywords.MatchString(target):
		return dialect.Postgres, nil
	}
	return dialect.SQLite, nil
}

// connectError says what to do when the database does not answer.
func connectError(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "3D000" { // invalid_catalog_name
		return fmt.Errorf("connecting to PostgreSQL: %s: create it first, e.g. createdb -h <host> -U <user> <name>", pgErr.Message)
	}
	return fmt.Errorf("connecting to the database: %w", err)
}

// checkSQLitePath names the path and the cause when the SQLite file cannot be
// opened for writing, which the driver would report without either.
func checkSQLitePath(path string) error {
	dir := filepath.Dir(path)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return fmt.Errorf("opening the SQLite database %s: the directory %s does not exist", path, dir)
	}
	probe, err := os.CreateTemp(dir, ".accountplan-probe-*")
	if err != nil {
		return fmt.Errorf("opening the SQLite database %s: cannot write in the directory %s (%v): SQLite keeps its journal beside the file", path, dir, errors.Unwrap(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return fmt.Errorf("opening the SQLite database %s: it is a directory, not a file", path)
	}
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		f.Close()
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("opening the SQLite database %s: %v", path, errors.Unwrap(err))
	}
	return nil
}

// sqliteDriver is go-sqlite3 matching text as PostgreSQL does: LIKE tells
// case apart (_cslike in sqliteDSN) and lower and upper fold every letter, not
// only ASCII, so that the where inputs' Contains and …Fold filters keep the same
// rows on both databases.
const sqliteDriver = "sqlite3_accountplan"

func init() {
	sql.Register(sqliteDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		if err := c.RegisterFunc("lower", foldText(strings.ToLower), true); err != nil {
			return err
		}
		return c.RegisterFunc("upper", foldText(strings.ToUpper), true)
	}})
}

// foldText applies fold to text and leaves NULL and other values as they are.
func foldText(fold func(string) string) func(any) any {
	return func(v any) any {
		switch v := v.(type) {
		case string:
			return fold(v)
		case []byte:
			if v == nil { // go-sqlite3 hands NULL over as a nil slice
				return nil
			}
			return fold(string(v))
		}
		return v
	}
}

// SSDRandomPageCost is the planner's cost of reading a page at random on our
// connections, as PostgreSQL's documentation suggests for solid-state drives
// and data held in memory, where its default (4) assumes spinning disks.
const SSDRandomPageCost = "1.1"

// costSSD sets SSDRandomPageCost on a new connection unless the server, the
// database, the role or the connection string chose a value. Our reads look
// up each parent row's records in the index of its key; with the default a
// table of a few pages is read whole for each parent row instead, twice as
// long on the screens of 100 accounts.
func costSSD(ctx context.Context, conn *pgx.Conn) error {
	var source string
	if err := conn.QueryRow(ctx, "SELECT source FROM pg_settings WHERE name = 'random_page_cost'").Scan(&source); err != nil {
		return err
	}
	if source != "default" {
		return nil
	}
	_, err := conn.Exec(ctx, "SET random_page_cost = "+SSDRandomPageCost)
	return err
}

// PostgresConns is how many connections a PostgreSQL database is used through.
const PostgresConns = 20

// SQLiteConns is how many connections a SQLite database is read and written
// through: two per core, since a read holds one while its goroutine waits on
// the disk or on the executor, and four at least.
func SQLiteConns() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// sqliteStatementCache is how many prepared statements each SQLite connection
// keeps: a screen's eager loads repeat their SQL text, whose window queries
// over hundreds of parameters SQLite otherwise parses and plans anew each time.
const sqliteStatementCache = 128

// sqliteDSN turns a file path into a DSN with foreign keys on, WAL journaling
// (readers never wait for the writer) and a busy timeout instead of SQLITE_BUSY
// errors; _txlock=immediate takes the write lock when a transaction begins, so
// two writers queue instead of failing halfway.
// cache_size and temp_store stay at SQLite's defaults on purpose: the sorter
// behind the metrics' GROUP BYs sorts runs the size of the page cache that
// fit the CPU's caches; larger caches and temp_store=MEMORY made the rollups
// slower (README, "Metrics").
func sqliteDSN(path string) string {
	q := url.Values{}
	q.Set("_fk", "1")
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "5000")
	q.Set("_txlock", "immediate")
	q.Set("_synchronous", "NORMAL")
	q.Set("_stmt_cache_size", strconv.Itoa(sqliteStatementCache))
	q.Set("_cslike", "1")
	return "file:" + uriPath.Replace(path) + "?" + q.Encode()
}

// uriPath escapes what would end the path of a file: URI, or be decoded in
// it: a path with a # or ? opened another file, named by what came before.
var uriPath = strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23")

// countTotals puts the accounts that the metric totals do not hold yet into
// them, in one transaction: all of them, the first time a database from
// before the totals opens; else those without deals or revenue records.
func (s *Store) countTotals(ctx context.Context) error {
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return err
	}
	if err := totals.CountAll(ctx, tx.Client()); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.DB.PingContext(ctx) }

// Close closes the database.
func (s *Store) Close() error { return s.Client.Close() }
