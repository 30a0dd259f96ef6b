package store_test

import (
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// catalogue is what the database says it has: the foreign keys and the
// column lists of the indexes (the primary key among them), table by table.
type catalogue struct {
	foreignKeys map[string][][]string // table → the columns of each foreign key
	indexes     map[string][][]string // table → the key columns of each full index, in order
}

// TestForeignKeysLeadIndexes: every foreign key leads some index, so that
// walking an edge from either end, and the cascades of a delete, look rows
// up instead of scanning the table. ent puts an index's fields before its
// edges whatever order the schema names them in, so the order is checked on
// what was built, not on what was declared.
func TestForeignKeysLeadIndexes(t *testing.T) {
	storetest.EachStore(t, func(t *testing.T, s *store.Store) {
		c := readCatalogue(t, s)
		if len(c.foreignKeys) == 0 {
			t.Fatal("the catalogue names no foreign keys")
		}
		for _, table := range sortedKeys(c.foreignKeys) {
			for _, fk := range c.foreignKeys[table] {
				if !slices.ContainsFunc(c.indexes[table], func(index []string) bool { return leads(index, fk) }) {
					t.Errorf("%s.%s: no index starts with this foreign key (indexes: %v)", table, strings.Join(fk, ","), c.indexes[table])
				}
			}
		}
		// The composite indexes in the order the code walks them, first
		// column first: a lookup by the later columns alone cannot use them.
		for _, want := range []struct {
			table   string
			columns []string
		}{
			// The outgoing edges of a stakeholder, and one edge per pair and kind.
			{"influence_edges", []string{"stakeholder_influence_out", "stakeholder_influence_in", "kind"}},
			// The incoming edges of a stakeholder.
			{"influence_edges", []string{"stakeholder_influence_in"}},
			// The reviews a user attended.
			{"review_attendees", []string{"user_id"}},
			{"relationships", []string{"user_relationships", "stakeholder_relationships"}},
			{"relationships", []string{"stakeholder_relationships"}},
			{"account_team_members", []string{"account_team_members", "user_team_memberships"}},
			{"whitespace_cells", []string{"account_whitespace_cells", "business_unit_whitespace_cells", "product_whitespace_cells"}},
			{"changes", []string{"account_id", "at"}},
		} {
			if !slices.ContainsFunc(c.indexes[want.table], func(index []string) bool {
				return len(index) >= len(want.columns) && slices.Equal(index[:len(want.columns)], want.columns)
			}) {
				t.Errorf("%s: no index on (%s) (indexes: %v)", want.table, strings.Join(want.columns, ", "), c.indexes[want.table])
			}
		}
	})
}

// leads tells whether the index's first columns are the given ones, in any
// order: an equality lookup on all of them can use it.
func leads(index, columns []string) bool {
	if len(index) < len(columns) {
		return false
	}
	for _, c := range columns {
		if !slices.Contains(index[:len(columns)], c) {
			return false
		}
	}
	return true
}

func readCatalogue(t *testing.T, s *store.Store) catalogue {
	t.Helper()
	c := catalogue{foreignKeys: map[string][][]string{}, indexes: map[string][][]string{}}
	if s.Dialect == "postgres" {
		readPostgres(t, s.DB, &c)
	} else {
		readSQLite(t, s.DB, &c)
	}
	return c
}

// readPostgres reads pg_constraint and pg_index of the current schema; an
// index's key columns are indkey's first indnkeyatts, in that order, and a
// partial or expression index is left out: it does not serve every lookup.
func readPostgres(t *testing.T, db *sql.DB, c *catalogue) {
	t.Helper()
	for _, r := range queryPairs(t, db, `
		SELECT t.relname, string_agg(a.attname, ',' ORDER BY k.ord)
		FROM pg_constraint f
		JOIN pg_class t ON t.oid = f.conrelid
		CROSS JOIN unnest(f.conkey) WITH ORDINALITY AS k(attnum, ord)
		JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = k.attnum
		WHERE f.contype = 'f' AND t.relnamespace = current_schema()::regnamespace
		GROUP BY f.oid, t.relname`) {
		c.foreignKeys[r[0]] = append(c.foreignKeys[r[0]], strings.Split(r[1], ","))
	}
	for _, r := range queryPairs(t, db, `
		SELECT t.relname, string_agg(a.attname, ',' ORDER BY k.ord)
		FROM pg_index x
		JOIN pg_class t ON t.oid = x.indrelid
		CROSS JOIN unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
		JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
		WHERE t.relnamespace = current_schema()::regnamespace AND x.indpred IS NULL AND x.indexprs IS NULL
			AND k.ord <= x.indnkeyatts
		GROUP BY x.indexrelid, t.relname`) {
		c.indexes[r[0]] = append(c.indexes[r[0]], strings.Split(r[1], ","))
	}
}

// readSQLite reads the pragmas of every table: foreign_key_list, the
// primary key of table_info (an INTEGER PRIMARY KEY is the rowid, in no
// index_list), and index_list with index_info; a partial index is left out.
func readSQLite(t *testing.T, db *sql.DB, c *catalogue) {
	t.Helper()
	var tables []string
	for _, r := range queryPairs(t, db, `SELECT name, type FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`) {
		tables = append(tables, r[0])
	}
	for _, table := range tables {
		for _, r := range queryPairs(t, db, fmt.Sprintf(`SELECT id, group_concat("from", ',') FROM (SELECT * FROM pragma_foreign_key_list('%s') ORDER BY id, seq) GROUP BY id`, table)) {
			c.foreignKeys[table] = append(c.foreignKeys[table], strings.Split(r[1], ","))
		}
		for _, r := range queryPairs(t, db, fmt.Sprintf(`SELECT 'pk', group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('%s') WHERE pk > 0 ORDER BY pk) HAVING count(*) > 0`, table)) {
			c.indexes[table] = append(c.indexes[table], strings.Split(r[1], ","))
		}
		for _, r := range queryPairs(t, db, fmt.Sprintf(`SELECT name, partial FROM pragma_index_list('%s')`, table)) {
			if r[1] != "0" {
				continue
			}
			for _, cols := range queryPairs(t, db, fmt.Sprintf(`SELECT 'key', group_concat(coalesce(name, '(expr)'), ',') FROM (SELECT name FROM pragma_index_xinfo('%s') WHERE key = 1 ORDER BY seqno)`, r[0])) {
				c.indexes[table] = append(c.indexes[table], strings.Split(cols[1], ","))
			}
		}
	}
}

// queryPairs runs a query of two text columns and returns its rows.
func queryPairs(t *testing.T, db *sql.DB, query string) [][2]string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		out = append(out, [2]string{a, b})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestEdgeWalksSearch: SQLite looks up the rows of an edge walked from
// either end instead of scanning the table. PostgreSQL's planner scans a
// table this small whatever the indexes, so there the catalogue test stands.
func TestEdgeWalksSearch(t *testing.T) {
	s := storetest.SQLite(t)
	for _, query := range []string{
		// influenceOut: the outgoing edges of some stakeholders, by id, as the Relay connection reads them.
		`SELECT * FROM influence_edges WHERE stakeholder_influence_out IN (1, 2) ORDER BY id LIMIT 10`,
		`SELECT * FROM influence_edges WHERE stakeholder_influence_in IN (1, 2) ORDER BY id LIMIT 10`,
		`SELECT review_id FROM review_attendees WHERE user_id = 1`,
		`SELECT * FROM stakeholders WHERE stakeholder_direct_reports IN (1, 2) ORDER BY id LIMIT 10`,
	} {
		rows, err := s.DB.Query("EXPLAIN QUERY PLAN " + query)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if len(plan) == 0 || !strings.HasPrefix(plan[0], "SEARCH ") || !strings.Contains(plan[0], "INDEX") {
			t.Errorf("%s\nplan: %q, want a SEARCH using an index", query, plan)
		}
	}
}
