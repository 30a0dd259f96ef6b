// Package quietrows reads PostgreSQL without the goroutine database/sql
// starts for each statement's rows.
//
// database/sql watches the context of every query whose context can end with
// a goroutine of its own (Rows.awaitDone), woken when the rows close: per
// statement a goroutine, a cancellable context and a wake-up of another
// thread, though pgx already cancels the statement in PostgreSQL when the
// context ends. Here a read takes its connection under the request's context
// (so waiting for one still ends with the request), and runs its statement
// with a context that database/sql sees as never ending and that the driver
// turns back into the request's: the request's deadline still cancels the
// statement in PostgreSQL, and reading stops with the driver's error.
package quietrows

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// Connector is the pgx connector, whose connections run each statement under
// the context a read was given rather than the quiet one database/sql saw.
type Connector struct{ driver.Connector }

func (c Connector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	pc, ok := conn.(pgxConn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("quietrows: %T is not a pgx connection", conn)
	}
	return loudConn{pc}, nil
}

// pgxConn is what pgx's stdlib.Conn offers database/sql; loudConn offers it all too.
type pgxConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.NamedValueChecker
	driver.SessionResetter
}

// loudConn gives pgx the request's context back.
type loudConn struct{ pgxConn }

func (c loudConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.pgxConn.QueryContext(loud(ctx), query, args)
}

func (c loudConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.pgxConn.ExecContext(loud(ctx), query, args)
}

// quiet is a read's context as database/sql sees it: values and all, but it
// never ends, so database/sql watches nothing.
type quiet struct{ context.Context }

func (quiet) Deadline() (time.Time, bool) { return time.Time{}, false }
func (quiet) Done() <-chan struct{}       { return nil }
func (quiet) Err() error                  { return nil }

// loud is the context a statement runs under: the read's own, when
// database/sql was given it quiet.
func loud(ctx context.Context) context.Context {
	if q, ok := ctx.(quiet); ok {
		return q.Context
	}
	return ctx
}

// Driver runs ent's reads outside transactions through Connector's
// connections; everything else goes to the ent driver as it is.
type Driver struct {
	*entsql.Driver
}

// Wrap returns drv, reading quietly when it is a PostgreSQL driver on
// Connector's connections; other drivers are returned as they are.
func Wrap(drv *entsql.Driver) dialect.Driver {
	if drv.Dialect() != dialect.Postgres {
		return drv
	}
	return &Driver{Driver: drv}
}

// badConnTries is how often a read takes another connection when the one it
// got turns out closed, as database/sql does for a statement on the pool.
const badConnTries = 3

func (d *Driver) Query(ctx context.Context, query string, args, v any) error {
	vr, ok := v.(*entsql.Rows)
	argv, ok2 := args.([]any)
	if !ok || !ok2 || ctx.Done() == nil {
		return d.Driver.Query(ctx, query, args, v)
	}
	var err error
	for range badConnTries {
		var conn *sql.Conn
		if conn, err = d.DB().Conn(ctx); err != nil {
			return err
		}
		var rows *sql.Rows
		rows, err = conn.QueryContext(quiet{ctx}, query, argv...)
		if err == nil {
			*vr = entsql.Rows{ColumnScanner: connRows{rows, conn}}
			return nil
		}
		conn.Close()
		if !errors.Is(err, driver.ErrBadConn) {
			return err
		}
	}
	return err
}

// connRows gives the connection back once its rows are closed.
type connRows struct {
	*sql.Rows
	conn *sql.Conn
}

func (r connRows) Close() error {
	return errors.Join(r.Rows.Close(), r.conn.Close())
}
