package onestatement

import (
	"testing"
	"time"
)

type stage string

func TestLiteral(t *testing.T) {
	for _, c := range []struct {
		name, text string
		args       []any
		want       string
	}{
		{"kinds", `SELECT $1, $2, $3, $4, $5, $6, $7`, []any{int64(-7), uint8(200), true, 0.1, float32(1.5), stage("CLOSED_WON"), nil},
			`SELECT -7, 200, true, '0.1'::float8, '1.5'::float8, E'CLOSED_WON', NULL`},
		{"quotes and backslashes", `SELECT $1`, []any{`O'Neil \' \\x`}, `SELECT E'O''Neil \\'' \\\\x'`},
		{"a value with a placeholder is not read again", `SELECT $1, $2`, []any{"$2", "b"}, `SELECT E'$2', E'b'`},
		{"ten and more", `SELECT $10, $1`, []any{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, `SELECT 10, 1`},
		{"placeholders in strings and names are text", `SELECT '$1', "$1", '[]''$1'::json, $1`, []any{5}, `SELECT '$1', "$1", '[]''$1'::json, 5`},
		{"dollars that are not placeholders", `SELECT $$x$$, $1`, []any{5}, `SELECT $$x$$, 5`},
		{"times in UTC to the microsecond", `SELECT $1, $2`, []any{time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.FixedZone("", 3600)), time.Date(1969, 12, 31, 23, 59, 59, 500, time.UTC)},
			`SELECT '2026-03-01 11:00:00.123456+00'::timestamptz, '1969-12-31 23:59:59+00'::timestamptz`},
	} {
		if got, kept := literal(c.text, c.args); got != c.want || kept != nil {
			t.Errorf("%s: %s %v, want %s", c.name, got, kept, c.want)
		}
	}
	for _, c := range []struct {
		name, text string
		args       []any
	}{
		{"NUL", `SELECT $1`, []any{"a\x00b"}},
		{"not UTF-8", `SELECT $1`, []any{"a\xffb"}},
		{"bytes", `SELECT $1`, []any{[]byte("a")}},
		{"a list", `SELECT $1`, []any{[]string{"a"}}},
		{"a year PostgreSQL writes otherwise", `SELECT $1`, []any{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"a placeholder past the arguments", `SELECT $2`, []any{1}},
		{"no arguments", `SELECT 1`, nil},
		{"an unclosed string", `SELECT $1, 'x`, []any{1}},
	} {
		if got, _ := literal(c.text, c.args); got != "" {
			t.Errorf("%s: %s, want none", c.name, got)
		}
	}
	// node(id:)'s IDs stay parameters, numbered anew; a statement of only those is left as it is.
	if got, kept := literal(`SELECT $1, $2, $3`, []any{nodeID(5), "a", nodeID(7)}); got != `SELECT $1, E'a', $2` || len(kept) != 2 || kept[0] != nodeID(5) || kept[1] != nodeID(7) {
		t.Errorf("node IDs: %s %v", got, kept)
	}
	if got, _ := literal(`SELECT $1`, []any{nodeID(5)}); got != "" {
		t.Errorf("node ID alone: %s, want none", got)
	}
}
