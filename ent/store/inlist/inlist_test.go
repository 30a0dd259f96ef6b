package inlist

import (
	"reflect"
	"testing"
)

type status string

func TestRewrite(t *testing.T) {
	for _, c := range []struct {
		name, query, want string
		args, wantArgs    []any
	}{{
		name:     "an eager load's list and the page size after it",
		query:    `SELECT "id" FROM "t" WHERE "t"."fk" IN ($1, $2, $3) AND "t"."n" <= $4`,
		args:     []any{7, 8, 9, 21},
		want:     `SELECT "id" FROM "t" WHERE "t"."fk" = ANY($1) AND "t"."n" <= $2`,
		wantArgs: []any{[]int64{7, 8, 9}, 21},
	}, {
		name:     "entgql's page of each parent's children",
		query:    `WITH "src_query" AS (SELECT "e"."id", "e"."fk" FROM "e" WHERE "e"."fk" IN ($1, $2) AND "e"."kind" = $3), "limited_query" AS (SELECT *, (ROW_NUMBER() OVER (PARTITION BY "fk" ORDER BY "id" ASC)) AS "row_number" FROM "src_query") SELECT "id", "fk" FROM "limited_query" AS "e" WHERE "e"."row_number" <= $4`,
		args:     []any{int64(3), int64(4), "INFLUENCES", 21},
		want:     `WITH "src_query" AS (SELECT "e"."id", "e"."fk" FROM "e" WHERE "e"."fk" = ANY($1) AND "e"."kind" = $2), "limited_query" AS (SELECT *, (ROW_NUMBER() OVER (PARTITION BY "fk" ORDER BY "id" ASC)) AS "row_number" FROM "src_query") SELECT "id", "fk" FROM "limited_query" AS "e" WHERE "e"."row_number" <= $3`,
		wantArgs: []any{[]int64{3, 4}, "INFLUENCES", 21},
	}, {
		name:     "a list of one value stays; the next is renumbered",
		query:    `SELECT "id" FROM "t" WHERE "t"."fk" IN ($1) AND "k" IN ($2, $3) LIMIT 51`,
		args:     []any{7, "A", "B"},
		want:     `SELECT "id" FROM "t" WHERE "t"."fk" IN ($1) AND "k" = ANY($2) LIMIT 51`,
		wantArgs: []any{7, []string{"A", "B"}},
	}, {
		name:     "two lists, NOT IN, strings of an enum type, a placeholder between",
		query:    `SELECT COUNT(CASE WHEN "s" IN ($1, $2) THEN 1 END), COUNT(CASE WHEN "k" NOT IN ($3, $4) AND "x" = $5 THEN 1 END) FROM "t" WHERE "t"."fk" IN ($6, $7) GROUP BY "t"."fk"`,
		args:     []any{status("A"), status("B"), "C", "D", 3, 1, 2},
		want:     `SELECT COUNT(CASE WHEN "s" = ANY($1) THEN 1 END), COUNT(CASE WHEN "k" <> ALL($2) AND "x" = $3 THEN 1 END) FROM "t" WHERE "t"."fk" = ANY($4) GROUP BY "t"."fk"`,
		wantArgs: []any{[]string{"A", "B"}, []string{"C", "D"}, 3, []int64{1, 2}},
	}, {
		name:     "a list of mixed kinds stays; the next is rewritten and renumbered",
		query:    `SELECT 1 FROM "t" WHERE "a" IN ($1, $2) AND "b" IN ($3, $4)`,
		args:     []any{1, "x", 5, 6},
		want:     `SELECT 1 FROM "t" WHERE "a" IN ($1, $2) AND "b" = ANY($3)`,
		wantArgs: []any{1, "x", []int64{5, 6}},
	}, {
		name:     "quoted text is copied as it is",
		query:    `SELECT 'a $9 IN ($1)' FROM "t" WHERE "t"."fk" IN ($1, $2) AND "n" = $3`,
		args:     []any{1, 2, 3},
		want:     `SELECT 'a $9 IN ($1)' FROM "t" WHERE "t"."fk" = ANY($1) AND "n" = $2`,
		wantArgs: []any{[]int64{1, 2}, 3},
	}} {
		t.Run(c.name, func(t *testing.T) {
			got, gotArgs := Rewrite(c.query, c.args)
			if got != c.want || !reflect.DeepEqual(gotArgs, c.wantArgs) {
				t.Errorf("Rewrite:\n got %s %#v\nwant %s %#v", got, gotArgs, c.want, c.wantArgs)
			}
		})
	}
}

func TestRewriteLeaves(t *testing.T) {
	for _, c := range []struct {
		name, query string
		args        []any
	}{
		{"no list", `SELECT "id" FROM "t" WHERE "id" = $1`, []any{1}},
		{"one value", `SELECT "id" FROM "t" WHERE "t"."fk" IN ($1) LIMIT 51`, []any{7}},
		{"a subquery", `SELECT "id" FROM "t" WHERE "fk" IN (SELECT "id" FROM "u" WHERE "n" = $1)`, []any{1}},
		{"a placeholder used twice", `SELECT 1 FROM "t" WHERE "a" IN ($1, $2) OR "b" = $2`, []any{1, 2}},
		{"not consecutive", `SELECT 1 FROM "t" WHERE "a" IN ($2, $1)`, []any{1, 2}},
		{"a NULL in the list", `SELECT 1 FROM "t" WHERE "a" IN ($1, NULL)`, []any{1}},
		{"not after a quoted column", `SELECT 1 FROM "t" WHERE lower(a) IN ($1, $2)`, []any{"a", "b"}},
		{"times", `SELECT 1 FROM "t" WHERE "a" IN ($1, $2)`, []any{struct{}{}, struct{}{}}},
		{"a dollar-quoted string", `SELECT $$x$$ FROM "t" WHERE "a" IN ($1, $2)`, []any{1, 2}},
		{"nil", `SELECT 1 FROM "t" WHERE "a" IN ($1, $2)`, []any{nil, 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, gotArgs := Rewrite(c.query, c.args)
			if got != c.query || !reflect.DeepEqual(gotArgs, c.args) {
				t.Errorf("Rewrite changed %s %v into %s %v", c.query, c.args, got, gotArgs)
			}
		})
	}
}

func BenchmarkRewrite(b *testing.B) {
	query := `WITH "src_query" AS (SELECT "e"."id" FROM "e" WHERE "e"."fk" IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48, $49, $50)), "limited_query" AS (SELECT *, (ROW_NUMBER() OVER (PARTITION BY "fk" ORDER BY "id" ASC)) AS "row_number" FROM "src_query") SELECT "id" FROM "limited_query" AS "e" WHERE "e"."row_number" <= $51`
	args := make([]any, 51)
	for i := range args {
		args[i] = i + 1
	}
	b.ReportAllocs()
	for b.Loop() {
		Rewrite(query, args)
	}
}
