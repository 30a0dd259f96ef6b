package httpedge

import (
	"context"
	"database/sql"
	"fmt"

	"entgo.io/ent/dialect"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// observedDriver counts each SQL statement in the exchange of the request
// that runs it, for the access log, and gives it a span when tracing is on.
// Statements outside a request (none at present) are neither.
type observedDriver struct {
	dialect.Driver
	statements statementObserver
}

// statementObserver is what observedDriver and observedTx share.
type statementObserver struct {
	tracer trace.Tracer // nil: tracing is off
	system string       // db.system.name of the spans
}

func newObservedDriver(drv dialect.Driver, tracer trace.Tracer) *observedDriver {
	system := drv.Dialect()
	if system == dialect.Postgres {
		system = "postgresql"
	}
	return &observedDriver{Driver: drv, statements: statementObserver{tracer: tracer, system: system}}
}

// start counts a statement and opens its span; the statement's text goes in
// the span, its arguments never do.
func (o statementObserver) start(ctx context.Context, query string) (context.Context, trace.Span) {
	if x := exchangeFrom(ctx); x != nil {
		x.sql.Add(1)
	}
	if o.tracer == nil {
		return ctx, nil
	}
	return o.tracer.Start(ctx, "sql", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("db.system.name", o.system),
		attribute.String("db.query.text", query),
	))
}

// end closes a statement's span, marking it failed with the error's kind only:
// the database's message may quote the statement's values.
func end(span trace.Span, err error) {
	if span == nil {
		return
	}
	if err != nil {
		span.SetStatus(codes.Error, fmt.Sprintf("%T", err))
	}
	span.End()
}

func (d *observedDriver) Exec(ctx context.Context, query string, args, v any) error {
	ctx, span := d.statements.start(ctx, query)
	err := d.Driver.Exec(ctx, query, args, v)
	end(span, err)
	return err
}

func (d *observedDriver) Query(ctx context.Context, query string, args, v any) error {
	ctx, span := d.statements.start(ctx, query)
	err := d.Driver.Query(ctx, query, args, v)
	end(span, err)
	return err
}

// ExecContext and QueryContext serve ent's client methods of those names,
// which the schema's hooks use for statements ent does not build.
func (d *observedDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return execContext(ctx, d.statements, d.Driver, query, args)
}

func (d *observedDriver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return queryContext(ctx, d.statements, d.Driver, query, args)
}

func (d *observedDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &observedTx{Tx: tx, statements: d.statements}, nil
}

func (d *observedDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	b, ok := d.Driver.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return nil, fmt.Errorf("Driver.BeginTx is not supported")
	}
	tx, err := b.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &observedTx{Tx: tx, statements: d.statements}, nil
}

// observedTx observes the statements of a transaction as observedDriver does.
type observedTx struct {
	dialect.Tx
	statements statementObserver
}

func (tx *observedTx) Exec(ctx context.Context, query string, args, v any) error {
	ctx, span := tx.statements.start(ctx, query)
	err := tx.Tx.Exec(ctx, query, args, v)
	end(span, err)
	return err
}

func (tx *observedTx) Query(ctx context.Context, query string, args, v any) error {
	ctx, span := tx.statements.start(ctx, query)
	err := tx.Tx.Query(ctx, query, args, v)
	end(span, err)
	return err
}

func (tx *observedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return execContext(ctx, tx.statements, tx.Tx, query, args)
}

func (tx *observedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return queryContext(ctx, tx.statements, tx.Tx, query, args)
}

func execContext(ctx context.Context, o statementObserver, under any, query string, args []any) (sql.Result, error) {
	ex, ok := under.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	})
	if !ok {
		return nil, fmt.Errorf("Driver.ExecContext is not supported")
	}
	ctx, span := o.start(ctx, query)
	res, err := ex.ExecContext(ctx, query, args...)
	end(span, err)
	return res, err
}

func queryContext(ctx context.Context, o statementObserver, under any, query string, args []any) (*sql.Rows, error) {
	q, ok := under.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	})
	if !ok {
		return nil, fmt.Errorf("Driver.QueryContext is not supported")
	}
	ctx, span := o.start(ctx, query)
	rows, err := q.QueryContext(ctx, query, args...)
	end(span, err)
	return rows, err
}
