package ent

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"
	"entgo.io/ent/schema/field"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/accountplan/accountplan/ent/migrate"
)

// tablesSchema is the GraphQL schema the server serves, from api/.
func tablesSchema(t *testing.T) *ast.Schema {
	t.Helper()
	files, err := filepath.Glob("../api/*.graphql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no GraphQL schema in ../api: %v", err)
	}
	var sources []*ast.Source
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: name, Input: string(b)})
	}
	s, err := gqlparser.LoadSchema(sources...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// migrateTable is the table of the migration schema with this name.
func migrateTable(t *testing.T, name string) *schema.Table {
	t.Helper()
	i := slices.IndexFunc(migrate.Tables, func(m *schema.Table) bool { return m.Name == name })
	if i < 0 {
		t.Fatalf("table %s is not in ent/migrate", name)
	}
	return migrate.Tables[i]
}

// hasForeignKey says whether table has a foreign key on column to the table named ref.
func hasForeignKey(table *schema.Table, column, ref string) bool {
	return slices.ContainsFunc(table.ForeignKeys, func(fk *schema.ForeignKey) bool {
		return len(fk.Columns) == 1 && fk.Columns[0].Name == column && fk.RefTable != nil && fk.RefTable.Name == ref
	})
}

// columnKinds are the column types of ent/migrate each kind reads.
var columnKinds = map[ColumnKind][]field.Type{
	ColumnString: {field.TypeString, field.TypeEnum},
	ColumnInt:    {field.TypeInt},
	ColumnInt64:  {field.TypeInt64},
	ColumnFloat:  {field.TypeFloat64},
	ColumnBool:   {field.TypeBool},
	ColumnTime:   {field.TypeTime},
}

func TestTablesMatchMigrateAndGraphQL(t *testing.T) {
	gql := tablesSchema(t)
	// Every ent type the API shows is a Node; every one is described.
	for _, def := range gql.Types {
		if def.Kind == ast.Object && slices.Contains(def.Interfaces, "Node") && Tables[def.Name] == nil {
			t.Errorf("GraphQL type %s is a Node with no Table", def.Name)
		}
	}
	for typ, table := range Tables {
		def := gql.Types[typ]
		if def == nil || def.Kind != ast.Object {
			t.Errorf("%s is not a GraphQL object type", typ)
			continue
		}
		m := migrateTable(t, table.Name)
		if table.Columns["id"].Name != "id" || table.Columns["id"].Kind != ColumnInt {
			t.Errorf("%s.id is %+v, want the int column id", typ, table.Columns["id"])
		}
		for name, c := range table.Columns {
			col, ok := m.Column(c.Name)
			switch {
			case !ok:
				t.Errorf("%s.%s: column %s is not in table %s", typ, name, c.Name, table.Name)
				continue
			case c.Kind != ColumnOther && !slices.Contains(columnKinds[c.Kind], col.Type):
				t.Errorf("%s.%s: kind %d for a column of type %s", typ, name, c.Kind, col.Type)
			case c.Nillable && !col.Nullable:
				t.Errorf("%s.%s: nillable, but column %s is NOT NULL", typ, name, c.Name)
			case def.Fields.ForName(name) == nil:
				t.Errorf("%s.%s is not a field of the GraphQL type", typ, name)
			}
		}
		for name, e := range table.Edges {
			target := Tables[e.Target]
			f := def.Fields.ForName(name)
			if target == nil || f == nil {
				t.Errorf("%s.%s: target %s has no Table, or the GraphQL type has no field %s", typ, name, e.Target, name)
				continue
			}
			want := e.Target
			if e.Relay {
				want += "Connection"
			}
			if f.Type.Name() != want || (f.Type.Elem != nil) == (e.Unique || e.Relay) {
				t.Errorf("%s.%s: GraphQL type %s for %+v", typ, name, f.Type, e)
			}
			if e.Unique && e.Relay {
				t.Errorf("%s.%s: a unique edge as a connection", typ, name)
			}
			shapes := 0
			if e.Column != "" {
				shapes++
				if !hasForeignKey(m, e.Column, target.Name) {
					t.Errorf("%s.%s: %s.%s is not a key to %s", typ, name, table.Name, e.Column, target.Name)
				}
			}
			if e.TargetColumn != "" {
				shapes++
				if !hasForeignKey(migrateTable(t, target.Name), e.TargetColumn, table.Name) {
					t.Errorf("%s.%s: %s.%s is not a key to %s", typ, name, target.Name, e.TargetColumn, table.Name)
				}
			}
			if e.JoinTable != "" {
				shapes++
				join := migrateTable(t, e.JoinTable)
				if !hasForeignKey(join, e.JoinColumn, table.Name) || !hasForeignKey(join, e.JoinTargetColumn, target.Name) || e.JoinColumn == e.JoinTargetColumn {
					t.Errorf("%s.%s: %s.%s and %s are not keys to %s and %s", typ, name, e.JoinTable, e.JoinColumn, e.JoinTargetColumn, table.Name, target.Name)
				}
			}
			if shapes != 1 {
				t.Errorf("%s.%s has %d shapes, want 1: %+v", typ, name, shapes, e)
			}
		}
	}
}

func TestTablesSpotChecks(t *testing.T) {
	for _, c := range []struct {
		typ, edge string
		want      TableEdge
	}{
		{"Account", "plans", TableEdge{Target: "AccountPlan", Relay: true, TargetColumn: "account_plans"}},
		{"AccountPlan", "account", TableEdge{Target: "Account", Unique: true, Column: "account_plans"}},
		{"Stakeholder", "reportsTo", TableEdge{Target: "Stakeholder", Unique: true, Column: "stakeholder_direct_reports"}},
		{"Stakeholder", "directReports", TableEdge{Target: "Stakeholder", Relay: true, TargetColumn: "stakeholder_direct_reports"}},
		{"InfluenceEdge", "from", TableEdge{Target: "Stakeholder", Unique: true, Column: "stakeholder_influence_out"}},
		{"InfluenceEdge", "to", TableEdge{Target: "Stakeholder", Unique: true, Column: "stakeholder_influence_in"}},
		{"Review", "attendees", TableEdge{Target: "User", Relay: true, JoinTable: "review_attendees", JoinColumn: "review_id", JoinTargetColumn: "user_id"}},
		{"User", "reviews", TableEdge{Target: "Review", Relay: true, JoinTable: "review_attendees", JoinColumn: "user_id", JoinTargetColumn: "review_id"}},
	} {
		if got := Tables[c.typ].Edges[c.edge]; got != c.want {
			t.Errorf("%s.%s = %+v, want %+v", c.typ, c.edge, got, c.want)
		}
	}
	// Shown by hand (gqlgen.yml's resolvers, entgql.Skip), sensitive, or edge fields.
	for _, c := range [][2]string{
		{"Review", "heldAt"}, {"Review", "plan"}, {"Review", "accountPlan"}, {"Review", "accountID"}, {"Review", "planID"},
		{"APIToken", "secretHash"}, {"Account", "history"},
	} {
		if _, ok := Tables[c[0]].Columns[c[1]]; ok {
			t.Errorf("%s.%s is a column", c[0], c[1])
		}
		if _, ok := Tables[c[0]].Edges[c[1]]; ok {
			t.Errorf("%s.%s is an edge", c[0], c[1])
		}
	}
	if got, want := Tables["Account"].Columns["annualRevenue"], (TableColumn{Name: "annual_revenue", Kind: ColumnInt64}); got != want {
		t.Errorf("Account.annualRevenue = %+v, want %+v", got, want)
	}
	if got, want := Tables["Account"].Columns["sellers"], (TableColumn{Name: "sellers", Kind: ColumnInt, Nillable: true}); got != want {
		t.Errorf("Account.sellers = %+v, want %+v", got, want)
	}
	for typ, guarded := range map[string]bool{
		"APIToken": true, "Change": true, "WebhookEndpoint": true, "WebhookDelivery": true,
		"Account": false, "User": false, "Product": false, "IcpCriterion": false,
	} {
		if Tables[typ].Guarded != guarded {
			t.Errorf("%s: Guarded = %v, want %v", typ, Tables[typ].Guarded, guarded)
		}
	}
}

func TestTablesOrder(t *testing.T) {
	order := Tables["Account"].Order
	terms, ok := order([]*AccountOrder{{Field: AccountOrderFieldName, Direction: entgql.OrderDirectionDesc}, {Field: AccountOrderFieldSellers, Direction: entgql.OrderDirectionAsc}})
	want := []TableOrder{{Column: "name", Desc: true, Kind: ColumnString}, {Column: "sellers", Kind: ColumnInt, Nillable: true}}
	if !ok || !slices.Equal(terms, want) {
		t.Errorf("Account order = %+v, %v; want %+v", terms, ok, want)
	}
	if terms, ok := order(&AccountOrder{Field: AccountOrderFieldAnnualRevenue}); !ok || !slices.Equal(terms, []TableOrder{{Column: "annual_revenue", Kind: ColumnInt64}}) {
		t.Errorf("Account order by one *AccountOrder = %+v, %v", terms, ok)
	}
	for _, none := range []any{nil, (*AccountOrder)(nil), []*AccountOrder{}} {
		if terms, ok := order(none); !ok || len(terms) != 0 {
			t.Errorf("Account order %#v = %+v, %v; want none", none, terms, ok)
		}
	}
	if _, ok := order(&AccountOrder{Field: &AccountOrderField{column: "plans_count"}}); ok {
		t.Error("an order by a computed column is a plain column")
	}
	if _, ok := order(&ReviewOrder{Field: ReviewOrderFieldKind}); ok {
		t.Error("Account read a Review order")
	}
	// heldAt is answered by hand, but ordered by its column.
	if terms, ok := Tables["Review"].Order([]*ReviewOrder{{Field: ReviewOrderFieldHeldAt}}); !ok || !slices.Equal(terms, []TableOrder{{Column: "held_at", Kind: ColumnTime, Nillable: true}}) {
		t.Errorf("Review order by heldAt = %+v, %v", terms, ok)
	}
}

func TestTablesWhere(t *testing.T) {
	where := Tables["Account"].Where
	name := "x"
	p, err := where(&AccountWhereInput{Name: &name})
	if err != nil || p == nil {
		t.Fatalf("Account where name: no predicate, %v", err)
	}
	s := sql.Select("*").From(sql.Table("accounts"))
	p(s)
	if query, args := s.Query(); !strings.Contains(query, "WHERE") || !strings.Contains(query, "name") || !slices.Equal(args, []any{"x"}) {
		t.Errorf("Account where name: %s %v", query, args)
	}
	for _, none := range []any{nil, (*AccountWhereInput)(nil), &AccountWhereInput{}} {
		if p, err := where(none); p != nil || err != nil {
			t.Errorf("Account where %#v = a predicate, %v; want none", none, err)
		}
	}
	if _, err := where(&AccountWhereInput{Not: &AccountWhereInput{}}); err == nil {
		t.Error("a where with an empty not gave no error, as Filter does")
	}
	if _, err := where(&ReviewWhereInput{}); err == nil {
		t.Error("Account read a Review where input")
	}
}
