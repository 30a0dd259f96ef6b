package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/migrate"
	"github.com/accountplan/accountplan/ent/schema/totals"
)

// Dump is the content of every table of the database, ent's and the metric
// totals', as text, a line per row: two dumps are equal when nothing was
// written between them. Rows are sorted, so their order on disk does not
// matter.
func Dump(t *testing.T, client *ent.Client) string {
	t.Helper()
	var tables []string
	for _, table := range slices.Concat(migrate.Tables, totals.Tables()) {
		tables = append(tables, table.Name)
	}
	var out strings.Builder
	for _, table := range tables {
		rows, err := client.QueryContext(context.Background(), `SELECT * FROM "`+table+`"`)
		if err != nil {
			t.Fatalf("dumping %s: %v", table, err)
		}
		columns, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for rows.Next() {
			values := make([]any, len(columns))
			dest := make([]any, len(columns))
			for i := range values {
				dest[i] = &values[i]
			}
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
			var line strings.Builder
			line.WriteString(table + ":")
			for i, v := range values {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(&line, " %s=%v", columns[i], v)
			}
			lines = append(lines, line.String())
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			t.Fatal(err)
		}
		slices.Sort(lines)
		for _, line := range lines {
			out.WriteString(line + "\n")
		}
	}
	return out.String()
}

// Changes lists the rows of two dumps that differ: those only before with
// a -, those only after with a +. It is empty when the dumps are equal.
func Changes(before, after string) string {
	old, cur := strings.Split(before, "\n"), strings.Split(after, "\n")
	var out strings.Builder
	for _, line := range old {
		if !slices.Contains(cur, line) {
			out.WriteString("-" + line + "\n")
		}
	}
	for _, line := range cur {
		if !slices.Contains(old, line) {
			out.WriteString("+" + line + "\n")
		}
	}
	return out.String()
}
