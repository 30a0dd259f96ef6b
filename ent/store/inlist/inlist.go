// Package inlist sends ent's IN lists to PostgreSQL as one array parameter.
//
// ent writes `"col" IN ($1, $2, …, $n)`, one placeholder per value: an eager
// load of 37 parents and one of 38 are two statements to PostgreSQL, each
// prepared by pgx on each connection and planned anew on each run. Rewritten
// as `"col" = ANY($1)` with the values in one array, a statement has one text
// whatever the number of values, and PostgreSQL keeps its plan: on the
// screens' data that plan finds the rows through the foreign key's index,
// where the plan for 50 listed values scanned the table.
//
// A list of one value stays `IN ($1)`, which PostgreSQL reads as `= $1`: a
// generic plan of `= ANY($1)` expects ten values, costs more than the plan
// for one, and PostgreSQL then plans that statement anew at each run, which
// costs more than running it (a node's one-parent loads).
package inlist

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
)

// Wrap returns drv, whose statements have their IN lists rewritten when it
// is a PostgreSQL driver; other drivers are returned as they are.
func Wrap(drv dialect.Driver) dialect.Driver {
	if drv.Dialect() != dialect.Postgres {
		return drv
	}
	return &Driver{Driver: drv}
}

// Driver rewrites the IN lists of the statements ent builds (Exec and Query);
// SQL written by hand (ExecContext, QueryContext) goes as it is.
type Driver struct {
	dialect.Driver
}

func (d *Driver) Exec(ctx context.Context, query string, args, v any) error {
	query, args = rewriteAny(query, args)
	return d.Driver.Exec(ctx, query, args, v)
}

func (d *Driver) Query(ctx context.Context, query string, args, v any) error {
	query, args = rewriteAny(query, args)
	return d.Driver.Query(ctx, query, args, v)
}

func (d *Driver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &Tx{Tx: tx}, nil
}

// BeginTx serves ent's Client.BeginTx.
func (d *Driver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
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
	return &Tx{Tx: tx}, nil
}

// ExecContext serves ent's Client.ExecContext.
func (d *Driver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return execContext(ctx, d.Driver, "Driver", query, args)
}

// QueryContext serves ent's Client.QueryContext.
func (d *Driver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return queryContext(ctx, d.Driver, "Driver", query, args)
}

// Tx rewrites the IN lists of a transaction's statements as Driver does.
type Tx struct {
	dialect.Tx
}

func (tx *Tx) Exec(ctx context.Context, query string, args, v any) error {
	query, args = rewriteAny(query, args)
	return tx.Tx.Exec(ctx, query, args, v)
}

func (tx *Tx) Query(ctx context.Context, query string, args, v any) error {
	query, args = rewriteAny(query, args)
	return tx.Tx.Query(ctx, query, args, v)
}

// ExecContext serves the ExecContext of ent's transactional client.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return execContext(ctx, tx.Tx, "Tx", query, args)
}

// QueryContext serves the QueryContext of ent's transactional client.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return queryContext(ctx, tx.Tx, "Tx", query, args)
}

func rewriteAny(query string, args any) (string, any) {
	a, ok := args.([]any)
	if !ok {
		return query, args
	}
	return Rewrite(query, a)
}

// list is an IN list of placeholders $first…$last in the query's text.
type list struct {
	start, end  int // the bytes of `IN (…)` or `NOT IN (…)`
	not         bool
	first, last int
	array       any // []int64 or []string
}

// Rewrite returns query and args with each `"col" IN ($i, …, $j)` written
// `"col" = ANY($i)` (`NOT IN`: `<> ALL($i)`) and its values in one array
// argument, the later placeholders renumbered. A list is left as it is unless
// it has two values or more, follows a quoted column, its placeholders are consecutive and used
// nowhere else, and its values are all integers or all strings; a query with
// a $ that is not a placeholder is left whole.
func Rewrite(query string, args []any) (string, []any) {
	if !strings.Contains(query, " IN (") {
		return query, args
	}
	uses, ins, ok := scan(query, len(args))
	if !ok {
		return query, args
	}
	var lists []list
	for _, i := range ins {
		if l, ok := parseList(query, i, args, uses); ok {
			lists = append(lists, l)
		}
	}
	if len(lists) == 0 {
		return query, args
	}
	// renumber[k] is the new number of placeholder $k; 0 for those a list drops.
	renumber := make([]int, len(args)+1)
	newArgs := make([]any, 0, len(args))
	li := 0
	for k := 1; k <= len(args); k++ {
		if li < len(lists) && k == lists[li].first {
			newArgs = append(newArgs, lists[li].array)
			renumber[k] = len(newArgs)
			k = lists[li].last
			li++
			continue
		}
		newArgs = append(newArgs, args[k-1])
		renumber[k] = len(newArgs)
	}
	var b strings.Builder
	b.Grow(len(query))
	pos := 0
	for _, l := range lists {
		writeRenumbered(&b, query[pos:l.start], renumber)
		if l.not {
			b.WriteString(" <> ALL($")
		} else {
			b.WriteString(" = ANY($")
		}
		b.WriteString(strconv.Itoa(renumber[l.first]))
		b.WriteByte(')')
		pos = l.end
	}
	writeRenumbered(&b, query[pos:], renumber)
	return b.String(), newArgs
}

// scan counts the uses of each placeholder $k and finds each " IN (", both
// outside quotes; false when a $ is not a placeholder of an argument given
// (a dollar-quoted string, say).
func scan(query string, n int) (uses, ins []int, ok bool) {
	uses = make([]int, n+1)
	for i := 0; i < len(query); i++ {
		switch c := query[i]; c {
		case '\'', '"':
			j := strings.IndexByte(query[i+1:], c)
			if j < 0 {
				return nil, nil, false
			}
			i += j + 1 // a doubled quote inside is two quoted runs, read the same
		case '$':
			k, w := number(query[i+1:])
			if w == 0 || k < 1 || k > n {
				return nil, nil, false
			}
			uses[k]++
			i += w
		case ' ':
			if strings.HasPrefix(query[i:], " IN (") {
				ins = append(ins, i)
			}
		}
	}
	return uses, ins, true
}

// number reads the decimal number at the start of s and its width.
func number(s string) (int, int) {
	w := 0
	for w < len(s) && s[w] >= '0' && s[w] <= '9' {
		w++
	}
	if w == 0 || w > 9 {
		return 0, 0
	}
	k, _ := strconv.Atoi(s[:w])
	return k, w
}

// parseList reads the list whose " IN (" starts at i.
func parseList(query string, i int, args []any, uses []int) (list, bool) {
	l := list{start: i}
	if strings.HasSuffix(query[:i], " NOT") {
		l.not, l.start = true, i-len(" NOT")
	}
	if !strings.HasSuffix(query[:l.start], `"`) {
		return l, false
	}
	p := i + len(" IN (")
	for {
		if p >= len(query) || query[p] != '$' {
			return l, false
		}
		k, w := number(query[p+1:])
		if w == 0 || k > len(args) || uses[k] != 1 || (l.first != 0 && k != l.last+1) {
			return l, false
		}
		if l.first == 0 {
			l.first = k
		}
		l.last = k
		p += 1 + w
		if strings.HasPrefix(query[p:], ", ") {
			p += 2
			continue
		}
		if p < len(query) && query[p] == ')' {
			l.end = p + 1
			break
		}
		return l, false
	}
	if l.first == l.last {
		return l, false
	}
	arr, ok := array(args[l.first-1 : l.last])
	l.array = arr
	return l, ok
}

// array is the values as []int64 or []string, when they are all one or the other.
func array(vs []any) (any, bool) {
	var ints []int64
	var strs []string
	for _, v := range vs {
		if rv := reflect.ValueOf(v); !rv.IsValid() || rv.Kind() == reflect.Pointer {
			return nil, false
		}
		if val, ok := v.(driver.Valuer); ok {
			var err error
			if v, err = val.Value(); err != nil {
				return nil, false
			}
		}
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if strs != nil {
				return nil, false
			}
			ints = append(ints, rv.Int())
		case reflect.Uint8, reflect.Uint16, reflect.Uint32:
			if strs != nil {
				return nil, false
			}
			ints = append(ints, int64(rv.Uint()))
		case reflect.String:
			if ints != nil {
				return nil, false
			}
			strs = append(strs, rv.String())
		default:
			return nil, false
		}
	}
	if ints != nil {
		return ints, true
	}
	return strs, strs != nil
}

// writeRenumbered writes s with each placeholder $k outside quotes as $renumber[k].
func writeRenumbered(b *strings.Builder, s string, renumber []int) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '"':
			j := strings.IndexByte(s[i+1:], c)
			b.WriteString(s[i : i+j+2])
			i += j + 1
		case '$':
			k, w := number(s[i+1:])
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(renumber[k]))
			i += w
		default:
			b.WriteByte(c)
		}
	}
}

// execContext passes ent's ExecContext on to the wrapped driver or transaction (what).
func execContext(ctx context.Context, inner any, what, query string, args []any) (sql.Result, error) {
	ex, ok := inner.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	})
	if !ok {
		return nil, fmt.Errorf("%s.ExecContext is not supported", what)
	}
	return ex.ExecContext(ctx, query, args...)
}

// queryContext passes ent's QueryContext on to the wrapped driver or transaction (what).
func queryContext(ctx context.Context, inner any, what, query string, args []any) (*sql.Rows, error) {
	q, ok := inner.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	})
	if !ok {
		return nil, fmt.Errorf("%s.QueryContext is not supported", what)
	}
	return q.QueryContext(ctx, query, args...)
}
