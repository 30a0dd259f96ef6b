package apitest

// The judge of graph/onestatement: a server that answers a query of stored
// fields and connections in one SQL statement must answer every query byte
// for byte as a server that goes level by level does, on the same database.
// Both run on data with edge-case values (quotes, control characters,
// unicode, nil optionals, times to the nanosecond and in other zones, large
// amounts, every enum value, ties in every order), and are asked a fixed
// list of queries, a corpus generated from the schema with fixed seeds, the
// next pages after the one-statement answers' cursors, and invalid requests.

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph"
	"github.com/accountplan/accountplan/graph/demo"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// judgeQueries is how many random queries each database is asked; more for a longer search.
var judgeQueries = flag.Int("onestatement.queries", 400, "random queries TestOneStatement asks each database")

func TestOneStatement(t *testing.T) {
	t.Parallel()
	// Every plan asked a third time runs as its literal, for the judge to compare them all.
	settings := httpedge.Settings{Open: true}
	settings.GraphQL.LiteralPlans = new(1 << 20)
	eachDatabaseWith(t, settings, func(t *testing.T, e *env) {
		j := newJudge(t, e)
		t.Run("fixed", j.fixed)
		t.Run("random", j.random)
		t.Run("cursors", j.cursors)
		t.Run("errors", j.errors)
	})
}

// judge holds the two servers on one database and what the generator knows of its data.
type judge struct {
	fast, slow *env
	// withParameters counts the one-statement queries with parameters, literals those whose third run was a literal.
	withParameters, literals int
	types                    map[string]*judgeType // every type of ent.Tables, by GraphQL name
	names                    []string              // the keys of types, sorted
	ids                      judgeIDs
}

// judgeIDs are records the fixed queries name.
type judgeIDs struct {
	edgeAccount, tiedPlan, timedItem, stakeholder, user, deleted string
}

// judgeType is what the generator knows of a GraphQL object type.
type judgeType struct {
	name    string
	table   *ent.Table
	root    string   // its root connection, "" when none
	scalars []string // fields read from a column
	ones    []string // to-one edges
	conns   []string // Relay connections to other records
	others  []string // leaf fields without required arguments that the resolvers compute
	orders  []string // the values of its order field enum
	where   *ast.Definition
	records []map[string]any // sample records: the scalars as the API answers them
	ids     []string
}

func newJudge(t *testing.T, e *env) *judge {
	t.Helper()
	slow := *e
	slow.stmts, slow.log = new(atomic.Int64), &statementLog{}
	settings := httpedge.Settings{Open: true, GraphQL: graph.Settings{LevelByLevel: true}, Log: slog.New(slog.DiscardHandler)}
	settings.Limits.RatePerSecond = new(0.0)
	srv := httptest.NewServer(httpedge.NewHandler(&countingDriver{Driver: e.driver, n: slow.stmts, log: slow.log}, settings))
	t.Cleanup(srv.Close)
	slow.url = srv.URL + "/query"
	j := &judge{fast: e, slow: &slow, types: map[string]*judgeType{}}
	j.ids = seedJudge(t, e)
	j.learn(t)
	return j
}

// seedJudge writes the demo data and records with edge-case values.
func seedJudge(t *testing.T, e *env) judgeIDs {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Load(ctx, e.client, time.Date(2026, 5, 14, 15, 4, 5, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	c := e.client
	texts := []string{
		`say "hi"`, `back\slash \\ \"`, "tab\there\nnew line\r\nreturn", "ctl \u0001\u0008\u000c\u001f del \u007f",
		"emoji 🙂🚀 CJK 漢字かな 한국어", "line sep \u2028 para sep \u2029", "", "<b>&amp;</b> 'single' /slash/",
		"  spaced  ", "Ünïcödé ÉCOLE straße", "100% _under_score_ [x]", "e\u0301 combining", "zero\u200bwidth", "ｆｕｌｌｗｉｄｔｈ",
	}
	owner := c.User.Create().SetName(`Zoë "Q" O'Neil\`).SetEmail("zoe@example.com").SetTitle("tab\tnew\nline \u0001 🙂").SaveX(ctx)
	var ids judgeIDs
	ids.user = gid(owner.ID)
	tiers := []account.Tier{account.TierSTRATEGIC, account.TierKEY, account.TierGENERAL}
	maturities := []account.Maturity{account.MaturitySTARTUP, account.MaturityGROWTH, account.MaturityMATURITY, account.MaturityDECLINE}
	cultures := []account.Culture{account.CultureBUREAUCRATIC, account.CultureENTREPRENEURIAL, account.CultureCOLLABORATIVE, account.CultureINDIVIDUALISTIC}
	revenues := []int64{0, 1, 999_999_999_999_999, 1_000_000_000_000_000, 123_456_789_012, 4_294_967_296, 2_147_483_648}
	var accounts []*ent.Account
	for i, s := range texts {
		create := c.Account.Create().SetName(fmt.Sprintf("Edge %02d %s", i, s)).SetTier(tiers[i%len(tiers)]).
			SetIndustry(s).SetRegion(texts[(i+3)%len(texts)]).SetAnnualRevenue(revenues[i%len(revenues)]).SetOwnerID(owner.ID)
		if i%3 != 0 {
			create.SetMaturity(maturities[i%len(maturities)]).SetSellers(i * 1000)
		}
		if i%2 == 0 {
			create.SetCulture(cultures[i%len(cultures)]).SetExternalID(fmt.Sprintf("ext-%d %s", i, s))
		}
		if i > 0 && i%4 == 0 {
			create.SetParent(accounts[i-1])
		}
		accounts = append(accounts, create.SaveX(ctx))
	}
	ids.edgeAccount = gid(accounts[1].ID)
	// Plans with the same name, status and period: ties broken by ID.
	var plan *ent.AccountPlan
	for i := range 5 {
		plan = c.AccountPlan.Create().SetName("Tied plan").SetAccount(accounts[i%3]).SetOwnerID(owner.ID).
			SetStatus(accountplan.StatusACTIVE).SetPeriodStart(day("2027-01-01")).SetPeriodEnd(day("2027-12-31")).
			SetCustomerGoals(texts[i]).SetChallenges(texts[i+5]).SaveX(ctx)
	}
	ids.tiedPlan = gid(plan.ID)
	statuses := []actionitem.Status{actionitem.StatusOPEN, actionitem.StatusIN_PROGRESS, actionitem.StatusBLOCKED, actionitem.StatusDONE, actionitem.StatusCANCELED}
	due := time.Date(2026, 7, 1, 9, 30, 0, 0, time.UTC)
	var item *ent.ActionItem
	for i := range 12 {
		create := c.ActionItem.Create().SetTitle(fmt.Sprintf("Tied %d", i%2)).SetDescription(texts[i]).SetPlan(plan).
			SetStatus(statuses[i%len(statuses)])
		if i%4 != 3 {
			create.SetDueAt(due.Add(time.Duration(i/3) * time.Hour))
		}
		item = create.SaveX(ctx)
	}
	ids.timedItem = gid(item.ID)
	supports := apiSchema.Types["Stakeholder"].Fields.ForName("support").Type.Name()
	var boss *ent.Stakeholder
	for i, s := range texts {
		create := c.Stakeholder.Create().SetName(fmt.Sprintf("Person %02d", i)).SetTitle(s).SetNotes(s).
			SetAccount(accounts[0]).SetSupport(stakeholder.Support(judgeEnum(supports, i)))
		if boss != nil && i%3 != 0 {
			create.SetReportsTo(boss)
		}
		if i%2 == 0 {
			create.SetRank(1 + i%5).SetInfluence(1 + (i/2)%5)
		}
		who := create.SaveX(ctx)
		if boss == nil {
			boss = who
		}
	}
	ids.stakeholder = gid(boss.ID)
	// A record deleted: its ID names nothing.
	gone := c.User.Create().SetName("Gone").SetEmail("gone@example.com").SaveX(ctx)
	c.User.DeleteOneID(gone.ID).ExecX(ctx)
	ids.deleted = gid(gone.ID)
	if c.User.Query().Where(user.ID(gone.ID)).ExistX(ctx) {
		t.Fatal("the deleted user is still there")
	}
	storeEdgeTimes(t, e)
	coverEnums(t, e)
	storeNulls(t, e)
	return ids
}

// storeNulls writes NULL, as an older version or another program may have
// left it, into every column that may hold it though its field is not a
// pointer (an optional field without Nillable), and the zero time, which the
// Time marshaller answers as null, into a nillable time.
func storeNulls(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	for _, name := range slices.Sorted(maps.Keys(ent.Tables)) {
		table := ent.Tables[name]
		for _, field := range slices.Sorted(maps.Keys(table.Columns)) {
			column := table.Columns[field]
			if column.Nillable || field == "id" {
				continue
			}
			query := fmt.Sprintf(`UPDATE %q SET %q = NULL WHERE id = (SELECT id FROM %q ORDER BY id LIMIT 1 OFFSET 2)`, table.Name, column.Name, table.Name)
			_ = e.driver.Exec(ctx, query, []any{}, nil) // a NOT NULL column refuses it
		}
	}
	param := "?"
	if e.driver.Dialect() == dialect.Postgres {
		param = "$1"
	}
	var zero time.Time
	for _, query := range []string{
		`UPDATE action_items SET completed_at = ` + param + ` WHERE id = (SELECT min(id) FROM action_items)`,
		`UPDATE accounts SET source_updated_at = ` + param + ` WHERE id = (SELECT min(id) FROM accounts)`,
	} {
		if err := e.driver.Exec(ctx, query, []any{zero}, nil); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
}

// judgeEnum is the i-th value of an enum, round.
func judgeEnum(enum string, i int) string {
	values := apiSchema.Types[enum].EnumValues
	return values[i%len(values)].Name
}

// coverEnums gives every value of every enum column to some record of its
// table, writing the first records' columns directly.
func coverEnums(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	param := "?"
	if e.driver.Dialect() == dialect.Postgres {
		param = "$1"
	}
	for name, table := range ent.Tables {
		def := apiSchema.Types[name]
		for field, column := range table.Columns {
			f := def.Fields.ForName(field)
			if f == nil || apiSchema.Types[f.Type.Name()].Kind != ast.Enum || column.Kind != ent.ColumnString {
				continue
			}
			for k, v := range apiSchema.Types[f.Type.Name()].EnumValues {
				query := fmt.Sprintf(`UPDATE %q SET %q = %s WHERE id = (SELECT id FROM %q ORDER BY id LIMIT 1 OFFSET %d)`, table.Name, column.Name, param, table.Name, 2*k+1)
				if err := e.driver.Exec(ctx, query, []any{v.Name}, nil); err != nil {
					t.Fatalf("%s: %v", query, err)
				}
			}
		}
	}
}

// storeEdgeTimes writes times the API's writes would normalise (to UTC and
// the microsecond), as another program or an older version may have stored
// them: nanoseconds, other zones, before 1970, zero sub-seconds.
func storeEdgeTimes(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	times := []time.Time{
		time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC),
		time.Date(2026, 3, 1, 12, 0, 0, 123456000, time.UTC),
		time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 1, 17, 30, 0, 500000000, time.FixedZone("", 5*3600+1800)),
		time.Date(2026, 3, 1, 9, 0, 0, 1000, time.FixedZone("", -3*3600)),
		time.Date(1969, 12, 31, 23, 59, 59, 500000000, time.UTC),
		time.Date(2199, 12, 31, 23, 59, 59, 999999000, time.UTC),
		time.Date(2026, 3, 1, 12, 0, 0, 100, time.FixedZone("", 14*3600)),
	}
	param := func(i int) string {
		if e.driver.Dialect() == dialect.Postgres {
			return "$" + strconv.Itoa(i)
		}
		return "?"
	}
	exec := func(query string, args ...any) {
		if err := e.driver.Exec(ctx, query, args, nil); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	for i, tm := range times {
		// The last action items' due and completion times, the first stakeholders' creation and update, the last accounts' source times.
		exec(`UPDATE action_items SET due_at = `+param(1)+`, completed_at = `+param(2)+` WHERE id = (SELECT max(id) FROM action_items) - `+param(3),
			tm, times[(i+1)%len(times)], i)
		exec(`UPDATE stakeholders SET created_at = `+param(1)+`, updated_at = `+param(2)+` WHERE id = (SELECT min(id) FROM stakeholders) + `+param(3),
			tm, tm, i)
		exec(`UPDATE accounts SET source_updated_at = `+param(1)+` WHERE id = (SELECT max(id) FROM accounts) - `+param(2), tm, i)
	}
}

// learn reads the schema, ent.Tables and sample records.
func (j *judge) learn(t *testing.T) {
	t.Helper()
	roots := map[string]string{}
	for _, f := range apiSchema.Query.Fields {
		if judgeGenerated(f) && f.Type.NonNull && strings.HasSuffix(f.Type.Name(), "Connection") {
			roots[strings.TrimSuffix(f.Type.Name(), "Connection")] = f.Name
		}
	}
	for name, table := range ent.Tables {
		def := apiSchema.Types[name]
		if def == nil {
			t.Fatalf("ent.Tables has %s, the schema has no such type", name)
		}
		jt := &judgeType{name: name, table: table, root: roots[name]}
		for _, f := range def.Fields {
			_, column := table.Columns[f.Name]
			edge, isEdge := table.Edges[f.Name]
			leaf := apiSchema.Types[f.Type.Name()].Kind == ast.Scalar || apiSchema.Types[f.Type.Name()].Kind == ast.Enum
			switch {
			case column && judgeGenerated(f) && f.Type.Elem == nil:
				jt.scalars = append(jt.scalars, f.Name)
			case isEdge && edge.Unique && judgeGenerated(f):
				jt.ones = append(jt.ones, f.Name)
			case isEdge && edge.Relay && judgeGenerated(f):
				jt.conns = append(jt.conns, f.Name)
			case leaf && f.Type.Elem == nil && !judgeRequiredArgs(f):
				jt.others = append(jt.others, f.Name)
			}
		}
		if orders := apiSchema.Types[name+"OrderField"]; orders != nil {
			for _, v := range orders.EnumValues {
				jt.orders = append(jt.orders, v.Name)
			}
		}
		jt.where = apiSchema.Types[name+"WhereInput"]
		j.types[name] = jt
		j.names = append(j.names, name)
	}
	sort.Strings(j.names)
	for _, name := range j.names {
		jt := j.types[name]
		if jt.root == "" {
			continue
		}
		q := "{ r: " + jt.root + "(first: 100) { edges { node { " + strings.Join(jt.scalars, " ") + " } } } }"
		var answer struct {
			Data struct {
				R struct {
					Edges []struct{ Node map[string]any }
				}
			}
		}
		_, body := judgePost(t, j.slow, q, nil)
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&answer); err != nil {
			t.Fatalf("%s: %v: %s", q, err, body)
		}
		for _, edge := range answer.Data.R.Edges {
			jt.records = append(jt.records, edge.Node)
			if id, ok := edge.Node["id"].(string); ok {
				jt.ids = append(jt.ids, id)
			}
		}
	}
}

// judgeGenerated tells a field entgql wrote into ent.graphql, which gqlgen reads as stored.
func judgeGenerated(f *ast.FieldDefinition) bool {
	return f.Position != nil && f.Position.Src != nil && strings.HasSuffix(f.Position.Src.Name, "ent.graphql")
}

func judgeRequiredArgs(f *ast.FieldDefinition) bool {
	for _, a := range f.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			return true
		}
	}
	return false
}

// judgePost sends a request to a server and gives the status and the body as they came.
func judgePost(t *testing.T, e *env, query string, vars map[string]any) (int, []byte) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(e.url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// verdict is what asking both servers one request told.
type verdict struct {
	body      []byte // the one-statement server's
	same      bool
	one       bool // the one-statement server answered with exactly one statement, its JSON one
	wasted    bool // it ran its JSON statement and still went level by level
	fastStmts int
	slowStmts int
	// slowFailed: the level-by-level server failed with an internal error (a bug of its own) where the other answered.
	slowFailed bool
}

// ask sends the request to both servers and compares their answers.
func (j *judge) ask(t *testing.T, name, query string, vars map[string]any) verdict {
	t.Helper()
	var fastStatus, slowStatus int
	var fastBody, slowBody []byte
	fast := j.fast.statements(func() { fastStatus, fastBody = judgePost(t, j.fast, query, vars) })
	slow := j.slow.statements(func() { slowStatus, slowBody = judgePost(t, j.slow, query, vars) })
	v := verdict{body: fastBody, fastStmts: len(fast), slowStmts: len(slow)}
	v.one = len(fast) == 1 && judgeOneStatement(fast[0])
	v.wasted = len(fast) > 1 && slices.ContainsFunc(fast, judgeOneStatement)
	v.same = fastStatus == slowStatus && bytes.Equal(fastBody, slowBody)
	if v.one && strings.Contains(fast[0], "$1") {
		// Asked again, a plan runs as its literal on PostgreSQL (onestatement.hotAfter): it must answer the same.
		var again []string
		var againBody []byte
		for range 2 {
			again = j.fast.statements(func() { _, againBody = judgePost(t, j.fast, query, vars) })
		}
		j.withParameters++
		switch {
		case len(again) != 1:
			t.Errorf("%s: asked a third time, answered in %d statements", name, len(again))
		case !bytes.Equal(againBody, fastBody):
			t.Errorf("%s: the plan's literal answers otherwise\nquery: %s\nliteral: %s\n%s", name, query, again[0], judgeFirstDifference(againBody, fastBody))
		case again[0] != fast[0]:
			j.literals++
		}
	}
	for _, s := range slow {
		if judgeOneStatement(s) {
			t.Errorf("%s: the level-by-level server ran a one-statement query: %s", name, s)
		}
	}
	vb, _ := json.Marshal(vars)
	if judgeInternal(fastBody) && judgeInternal(slowBody) {
		t.Errorf("%s: both servers answered with an internal error, for a request a client can send\nquery: %s\nvariables: %s", name, query, vb)
	}
	if !v.same && judgeInternal(slowBody) && !judgeInternal(fastBody) {
		// Not the one statement's fault: the answer to judge it by is missing.
		v.slowFailed = true
		t.Logf("%s: level by level failed with an internal error, not judged\nquery: %s\nvariables: %s\n%s", name, query, vb, judgeClip(slowBody))
		return v
	}
	if !v.same {
		t.Errorf("%s: the answers differ\nquery: %s\nvariables: %s\none statement (%d, %d statements):\n%s\nlevel by level (%d, %d statements):\n%s\n%s",
			name, query, vb, fastStatus, len(fast), judgeClip(fastBody), slowStatus, len(slow), judgeClip(slowBody), judgeFirstDifference(fastBody, slowBody))
	}
	return v
}

// judgeInternal tells an answer with an internal server error.
func judgeInternal(body []byte) bool {
	return bytes.Contains(body, []byte(`"code":"INTERNAL_SERVER_ERROR"`))
}

// judgeOneStatement tells graph/onestatement's statement.
func judgeOneStatement(s string) bool {
	return strings.HasPrefix(s, "SELECT json_build_array(") || strings.HasPrefix(s, "SELECT '[' || ") ||
		strings.HasPrefix(s, "WITH s_") && strings.Contains(s, ") SELECT json_build_array(")
}

func judgeClip(b []byte) string {
	if len(b) > 4000 {
		return string(b[:4000]) + "…"
	}
	return string(b)
}

// judgeFirstDifference shows where two bodies part.
func judgeFirstDifference(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("first difference at byte %d:\n  one statement:  …%s\n  level by level: …%s", i, a[from:min(len(a), i+80)], b[from:min(len(b), i+80)])
}

// judgeDeletedNode is the fixed query that reads before it knows it must go level by level.
const judgeDeletedNode = "node of a deleted record"

// judgeCase is a query of the fixed list.
type judgeCase struct {
	name  string
	query string
	vars  map[string]any
	fast  bool // the one-statement server must answer it in its one statement
}

func (j *judge) fixed(t *testing.T) {
	ids := j.ids
	cases := []judgeCase{
		{"typename", `{ __typename }`, nil, false},
		{"scalars", `{ accounts(first: 5) { edges { node { id createdAt updatedAt sourceUpdatedAt name externalID tier industry sellers region country maturity culture annualRevenue currency } } } }`, nil, true},
		{"every root typename", `{ __typename a: accounts(first: 1) { __typename edges { __typename node { __typename id } } pageInfo { __typename } } }`, nil, true},
		{"total count only", `{ accounts(first: 3) { totalCount } }`, nil, true},
		{"page info only", `{ accounts(first: 3) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, nil, true},
		{"page info and count", `{ accounts(first: 3) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor } } }`, nil, true},
		{"first 0", `{ accounts(first: 0) { totalCount pageInfo { hasNextPage startCursor endCursor } edges { cursor node { id } } } }`, nil, true},
		{"first 0 without count", `{ accounts(first: 0) { pageInfo { hasNextPage hasPreviousPage } edges { node { id } } } }`, nil, true},
		{"first 100", `{ stakeholders(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name title notes rank influence support } } } }`, nil, true},
		{"no rows", `{ accounts(first: 5, where: {name: "No such account"}) { edges { cursor node { id } } } }`, nil, true},
		{"no rows last", `{ accounts(last: 5, where: {name: "No such account"}) { pageInfo { hasPreviousPage } edges { node { id } } } }`, nil, true},
		{"past the end", `{ accountPlans(first: 100, where: {name: "Tied plan"}) { totalCount pageInfo { hasNextPage startCursor endCursor } edges { cursor node { id } } } }`, nil, true},
		{"edge strings", `{ accounts(first: 20, where: {nameHasPrefix: "Edge"}, orderBy: {field: NAME}) { edges { node { name industry region externalID } } } }`, nil, true},
		{"edge strings descending", `{ accounts(first: 20, where: {nameHasPrefix: "Edge"}, orderBy: [{field: NAME, direction: DESC}]) { edges { cursor node { name } } } }`, nil, true},
		{"nil optionals", `{ accounts(first: 20, where: {nameHasPrefix: "Edge"}) { edges { node { sellers maturity culture externalID parent { id } owner { name title } } } } }`, nil, true},
		{"big money", `{ accounts(first: 10, orderBy: [{field: ANNUAL_REVENUE, direction: DESC}]) { edges { cursor node { annualRevenue } } } }`, nil, true},
		{"money where", `{ accounts(first: 10, where: {annualRevenueGTE: 999999999999999}) { totalCount edges { node { name annualRevenue } } } }`, nil, true},
		{"every tier", `{ accounts(first: 30, orderBy: [{field: TIER}, {field: ANNUAL_REVENUE, direction: DESC}]) { edges { cursor node { tier annualRevenue } } } }`, nil, true},
		{"ties by id", `{ accountPlans(first: 4, where: {name: "Tied plan"}, orderBy: [{field: NAME}]) { pageInfo { hasNextPage endCursor } edges { cursor node { id name } } } }`, nil, true},
		{"ties by id descending", `{ accountPlans(first: 4, where: {name: "Tied plan"}, orderBy: [{field: STATUS, direction: DESC}, {field: PERIOD_START, direction: DESC}]) { edges { cursor node { id } } } }`, nil, true},
		{"times", `{ actionItems(first: 20, orderBy: [{field: DUE_AT}]) { edges { cursor node { id title dueAt completedAt createdAt status } } } }`, nil, true},
		{"times descending", `{ actionItems(first: 20, orderBy: [{field: DUE_AT, direction: DESC}, {field: COMPLETED_AT}]) { edges { cursor node { id dueAt completedAt } } } }`, nil, true},
		{"zoned times", `{ stakeholders(first: 10, orderBy: [{field: CREATED_AT}]) { edges { cursor node { id createdAt updatedAt } } } }`, nil, true},
		{"time where", `{ actionItems(first: 10, where: {dueAtGT: "2026-03-01T12:00:00Z"}) { totalCount edges { node { dueAt } } } }`, nil, true},
		{"time where between microseconds", `{ actionItems(first: 10, where: {dueAtGT: "2026-03-01T12:00:00.1234556Z"}, orderBy: {field: DUE_AT}) { edges { node { dueAt } } } }`, nil, true},
		{"source times", `{ accounts(first: 10, orderBy: [{field: CREATED_AT, direction: DESC}]) { edges { node { sourceUpdatedAt } } } }`, nil, true},
		{"enums where", `{ actionItems(first: 10, where: {statusIn: [DONE, BLOCKED], statusNotIn: [OPEN]}) { totalCount edges { node { status } } } }`, nil, true},
		{"NULL read as a zero value", `{ stakeholders(first: 5, orderBy: [{field: TITLE}, {field: NAME, direction: DESC}]) { pageInfo { endCursor } edges { cursor node { title notes email department } } } }`, nil, true},
		{"the zero time", `{ actionItems(first: 2) { edges { node { completedAt } } } accounts(first: 1, orderBy: {field: CREATED_AT}) { edges { node { sourceUpdatedAt } } } }`, nil, true},
		{"booleans", `{ insights(first: 20, orderBy: {field: KIND}) { edges { cursor node { kind confirmed text } } } }`, nil, true},
		{"boolean where", `{ insights(first: 5, where: {confirmed: true}) { totalCount edges { node { confirmed } } } }`, nil, true},
		{"nil where", `{ stakeholders(first: 10, where: {rankIsNil: true, or: [{influenceNotNil: true}, {nameContainsFold: "PERSON"}]}) { totalCount edges { node { name rank influence } } } }`, nil, true},
		{"not where", `{ accounts(first: 5, where: {not: {tier: GENERAL}}) { totalCount edges { node { tier } } } }`, nil, true},
		{"has edge", `{ accounts(first: 5, where: {hasChildren: true}) { totalCount edges { node { name children(first: 3) { totalCount edges { node { name } } } } } } }`, nil, true},
		{"has edge with", `{ accounts(first: 5, where: {hasPlansWith: [{status: ACTIVE}], hasOwnerWith: {nameContains: "a"}}) { totalCount edges { node { name } } } }`, nil, true},
		{"fold where", `{ users(first: 5, where: {nameEqualFold: "ZOË \"Q\" O'NEIL\\"}) { edges { node { name title } } } }`, nil, true},
		{"to-one edges", `{ actionItems(first: 5) { edges { node { title plan { name account { name owner { name } } } objective { title } owner { name } stakeholderOwner { name } review { id } } } } }`, nil, true},
		{"nested connections", `{ accounts(first: 3, orderBy: {field: NAME}) { edges { node { name plans(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name goals(first: 2) { totalCount edges { node { title objectives(first: 1) { edges { node { title } } } } } } } } } } } } }`, nil, true},
		{"nested first 0", `{ accounts(first: 3) { edges { node { plans(first: 0) { totalCount pageInfo { hasNextPage } edges { node { id } } } } } } }`, nil, true},
		{"nested page info without count", `{ accounts(first: 4) { edges { node { stakeholders(first: 2) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } } }`, nil, true},
		{"nested many to many", `{ stakeholders(first: 5) { edges { node { name reviews(first: 2) { totalCount edges { node { id } } } } } } }`, nil, true},
		{"many to many, both ways and counted", `{ reviews(first: 5) { edges { node { id attendees(first: 2, orderBy: {field: NAME, direction: DESC}) { totalCount pageInfo { hasNextPage } edges { node { name reviews(first: 1) { totalCount } } } } customerAttendees(last: 2) { totalCount edges { node { name } } } all: attendees(first: 1) { totalCount } } } } }`, nil, true},
		{"nested with where and order", `{ accounts(first: 3) { edges { node { stakeholders(first: 3, where: {supportNEQ: NEUTRAL}, orderBy: [{field: SUPPORT, direction: DESC}, {field: NAME}]) { totalCount edges { cursor node { name support } } } } } } }`, nil, true},
		{"counts of one table together", `{ accounts(first: 5, orderBy: {field: NAME}) { edges { node { name all: stakeholders(first: 1) { totalCount } fans: stakeholders(first: 2, where: {supportIn: [MENTOR, SUPPORTER]}) { totalCount edges { node { name } } } none: stakeholders(first: 1, where: {nameContains: "zzz"}) { totalCount } plans(first: 1) { totalCount } active: plans(first: 1, where: {status: ACTIVE}) { totalCount } } } } }`, nil, true},
		{"counts under a to-one edge", `{ stakeholders(first: 5, where: {hasReportsTo: true}) { edges { node { reportsTo { name directReports(first: 1) { totalCount } warm: directReports(first: 1, where: {supportNEQ: NEUTRAL}) { totalCount } account { plans(first: 1) { totalCount } } } } } } }`, nil, true},
		{"self reference", `{ stakeholders(first: 5, where: {hasReportsTo: true}) { edges { node { name reportsTo { name reportsTo { name } } directReports(first: 2) { totalCount } } } } }`, nil, true},
		{"aliases", `{ a: accounts(first: 2) { edges { node { id n: name name } } } b: accounts(first: 3, orderBy: {field: NAME, direction: DESC}) { totalCount } }`, nil, true},
		{"same field twice, different arguments", `{ accounts(first: 2) { edges { node { p1: plans(first: 1) { totalCount } p2: plans(first: 2, orderBy: {field: NAME}) { edges { node { name } } } } } } }`, nil, true},
		{"same field twice, merged", `{ accounts(first: 2) { totalCount } accounts(first: 2) { edges { node { id } } } }`, nil, true},
		{"same nested field twice, merged", `{ accounts(first: 2) { edges { node { plans(first: 2) { totalCount } plans(first: 2) { edges { node { name } } } } } } }`, nil, true},
		{"same to-one twice, merged", `{ actionItems(first: 2) { edges { node { plan { id } plan { name } } } } }`, nil, true},
		{"aliased edges", `{ accounts(first: 2) { e: edges { node { id } } } }`, nil, true},
		{"aliased page info", `{ accounts(first: 2) { p: pageInfo { hasNextPage } } }`, nil, true},
		{"aliased count", `{ accounts(first: 2) { c: totalCount } }`, nil, true},
		{"aliased edges twice", `{ accounts(first: 3, orderBy: {field: NAME}) { a: edges { cursor node { name owner { name } } } b: edges { node { id tier owner { title } } } p: pageInfo { hasNextPage endCursor } c: totalCount } }`, nil, true},
		{"aliased edges twice, pages below", `{ accounts(first: 3, orderBy: {field: NAME}) { a: edges { cursor node { name plans(first: 2) { totalCount } } } b: edges { node { id owner { name } stakeholders(first: 1) { n: totalCount e: edges { node { name } } } plans(first: 2) { edges { node { name } } } } } } }`, nil, true},
		{"one name for pages of two types", `query($id: ID!) { node(id: $id) { ... on Account { plans: plans(first: 1) { totalCount } } ... on User { plans: ownedPlans(first: 2) { totalCount } } } }`, map[string]any{"id": ids.user}, true},
		{"aliased edges twice, pages apart", `{ accounts(first: 3) { a: edges { node { plans(first: 1) { totalCount } } } b: edges { node { plans(first: 2) { totalCount } } } } }`, nil, false},
		{"a to-one edge twice, pages apart below", `{ stakeholders(first: 3) { edges { node { a: account { plans(first: 1) { totalCount } } b: account { plans(first: 2, where: {status: ACTIVE}) { totalCount } } } } } }`, nil, false},
		{"aliased nested connection fields", `{ accounts(first: 3) { edges { node { plans(last: 2) { t: totalCount i: pageInfo { hasPreviousPage startCursor } e: edges { c: cursor n: node { name } } } } } } }`, nil, true},
		{"aliased node", `{ accounts(first: 2) { edges { n: node { id plans(first: 1) { totalCount } } } } }`, nil, true},
		{"inline fragments", `{ accounts(first: 2) { ... on AccountConnection { totalCount } edges { node { ... on Account { name } ... on Node { id } } } } }`, nil, true},
		{"named fragments", `query { accounts(first: 2) { ...Conn } } fragment Conn on AccountConnection { edges { node { ...Acc } } } fragment Acc on Account { id name owner { ...Who } } fragment Who on User { name }`, nil, true},
		{"node", `query($id: ID!) { node(id: $id) { __typename id ... on Account { name tier plans(first: 2) { totalCount } active: plans(first: 2, where: {status: ACTIVE}) { totalCount } opportunities(first: 1) { totalCount } } ... on User { name } } }`, map[string]any{"id": ids.edgeAccount}, true},
		{"node, other type's fragment", `query($id: ID!) { node(id: $id) { ... on User { name } } }`, map[string]any{"id": ids.edgeAccount}, true},
		{"node, Node fragment", `query($id: ID!) { node(id: $id) { ... on Node { id } } }`, map[string]any{"id": ids.stakeholder}, true},
		{"node and connection", `query($id: ID!) { node(id: $id) { id } accounts(first: 1) { totalCount } }`, map[string]any{"id": ids.user}, true},
		{judgeDeletedNode, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": ids.deleted}, false},
		{"node of no type", `{ node(id: "12") { id } }`, nil, false},
		{"include and skip", `query($yes: Boolean!, $no: Boolean!) { accounts(first: 2) { totalCount @include(if: $no) edges { cursor @skip(if: $yes) node { id name @include(if: $yes) tier @skip(if: $no) } } } }`, map[string]any{"yes": true, "no": false}, true},
		{"variables", `query($first: Int, $order: [AccountOrder!], $where: AccountWhereInput) { accounts(first: $first, orderBy: $order, where: $where) { totalCount edges { cursor node { name } } } }`,
			map[string]any{"first": 3, "order": []any{map[string]any{"field": "NAME", "direction": "DESC"}}, "where": map[string]any{"nameContains": "e"}}, true},
		{"last", `{ accounts(last: 3, orderBy: {field: NAME}) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { name } } } }`, nil, true},
		{"last with count", `{ accounts(last: 3) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }`, nil, true},
		{"last 0", `{ accounts(last: 0) { totalCount pageInfo { hasPreviousPage startCursor } edges { node { id } } } }`, nil, true},
		{"last past the start", `{ accountPlans(last: 100, where: {name: "Tied plan"}) { pageInfo { hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }`, nil, true},
		{"last, ties descending", `{ accountPlans(last: 3, where: {name: "Tied plan"}, orderBy: [{field: STATUS, direction: DESC}, {field: PERIOD_START, direction: DESC}]) { pageInfo { hasPreviousPage } edges { cursor node { id } } } }`, nil, true},
		{"last, nulls", `{ stakeholders(last: 5, orderBy: [{field: TITLE}, {field: NAME, direction: DESC}]) { edges { cursor node { title name } } } }`, nil, true},
		{"nested last", `{ accounts(first: 4, orderBy: {field: NAME}) { edges { node { name plans(last: 2) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { name goals(last: 1, orderBy: {field: TITLE, direction: DESC}) { pageInfo { hasPreviousPage startCursor } edges { node { title } } } } } } } } } }`, nil, true},
		{"nested last, page info without count", `{ accounts(first: 4) { edges { node { stakeholders(last: 2, where: {supportNEQ: NEUTRAL}) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { name } } } } } } }`, nil, true},
		{"node, last", `query($id: ID!) { node(id: $id) { ... on Account { plans(last: 1) { pageInfo { hasPreviousPage } edges { node { name } } } } } }`, map[string]any{"id": ids.edgeAccount}, true},
		{"last variable, null first", `query($first: Int, $last: Int) { accounts(first: $first, last: $last) { totalCount edges { node { id } } } }`, map[string]any{"first": nil, "last": 2}, true},
		{"nested after an ID", `query($c: Cursor) { accounts(first: 6) { edges { node { name stakeholders(first: 2, after: $c) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor } edges { cursor node { name } } } } } } }`, map[string]any{"c": judgeIDCursor(ids.stakeholder)}, true},
		{"nested last before an ID", `query($c: Cursor) { accounts(first: 6) { edges { node { name stakeholders(last: 2, before: $c) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { name } } } } } } }`, map[string]any{"c": judgeIDCursor(ids.stakeholder)}, true},
		{"nested between two IDs", `query($c: Cursor) { accounts(first: 6) { edges { node { plans(first: 3, after: $c, before: $c) { pageInfo { hasNextPage hasPreviousPage } edges { node { name } } } } } } }`, map[string]any{"c": judgeIDCursor(ids.tiedPlan)}, true},
		{"root after an ID, count only", `query($c: Cursor) { stakeholders(first: 2, after: $c) { totalCount pageInfo { hasNextPage hasPreviousPage } } }`, map[string]any{"c": judgeIDCursor(ids.stakeholder)}, true},
		{"root last before an ID, size 0", `query($c: Cursor) { stakeholders(last: 0, before: $c) { pageInfo { hasNextPage hasPreviousPage } edges { node { id } } } }`, map[string]any{"c": judgeIDCursor(ids.stakeholder)}, true},
		{"last, page info only", `{ accounts(last: 2) { pageInfo { hasNextPage hasPreviousPage startCursor } } }`, nil, true},
		{"nested last, page info only", `{ accounts(first: 4) { edges { node { stakeholders(last: 2) { pageInfo { hasNextPage hasPreviousPage startCursor } } } } } }`, nil, true},
		{"nested last, page info and count", `{ accounts(first: 4) { edges { node { stakeholders(last: 2) { totalCount pageInfo { hasNextPage hasPreviousPage } } } } } }`, nil, true},
		{"first and last", `{ accounts(first: 1, last: 1) { totalCount } }`, nil, false},
		{"null first", `query($first: Int) { accounts(first: $first) { totalCount } }`, map[string]any{"first": nil}, false},
		{"after null", `query($after: Cursor) { accounts(first: 2, after: $after) { totalCount } }`, map[string]any{"after": nil}, true},
		{"guarded type", `{ changes(first: 2) { totalCount } }`, nil, false},
		{"computed field", `{ accounts(first: 2) { edges { node { id history(first: 1) { totalCount } } } } }`, nil, false},
		{"mutation", `mutation { __typename }`, nil, false},
		{"typename alone", `{ users(first: 2) { edges { node { __typename } } } }`, nil, true},
		{"node typename alone", `query($id: ID!) { node(id: $id) { __typename ... on User @include(if: false) { name } } }`, map[string]any{"id": ids.user}, true},
		{"nested order variable, one object", `query($o: [ReviewOrder!]) { accountPlans(first: 3) { edges { node { reviews(first: 3, orderBy: $o) { edges { cursor node { id updatedAt } } } } } } }`,
			map[string]any{"o": map[string]any{"field": "UPDATED_AT", "direction": "DESC"}}, true},
		{"nested order variable, a list", `query($o: [ReviewOrder!]) { accountPlans(first: 3) { edges { node { reviews(first: 3, orderBy: $o) { edges { cursor node { id updatedAt } } } } } } }`,
			map[string]any{"o": []any{map[string]any{"field": "UPDATED_AT", "direction": "DESC"}}}, true},
		{"nested order, one object", `{ accountPlans(first: 3) { edges { node { reviews(first: 3, orderBy: {field: UPDATED_AT, direction: DESC}) { edges { cursor node { id } } } } } } }`, nil, true},
		{"root order variable, one object", `query($o: [ReviewOrder!]) { reviews(first: 3, orderBy: $o) { edges { cursor node { id } } } }`,
			map[string]any{"o": map[string]any{"field": "UPDATED_AT", "direction": "DESC"}}, true},
		{"user strings", `query($id: ID!) { node(id: $id) { ... on User { name title email role } } }`, map[string]any{"id": ids.user}, true},
		{"plan texts", `query($id: ID!) { node(id: $id) { ... on AccountPlan { customerGoals challenges account { name industry } } } }`, map[string]any{"id": ids.tiedPlan}, true},
		{"action item times", `query($id: ID!) { node(id: $id) { ... on ActionItem { dueAt completedAt } } }`, map[string]any{"id": ids.timedItem}, true},
	}
	cases = append(cases,
		judgeCase{"operation name", `query Named { accounts(first: 1) { totalCount } }`, nil, true},
		judgeCase{"many slots", `{ stakeholders(first: 2) { edges { node { ` + strings.Join(j.types["Stakeholder"].scalars, " ") + judgeRepeat(" a%d: account { id }", 60) + ` } } } }`, nil, true},
		judgeCase{"too many slots", `{ stakeholders(first: 2) { edges { node { id` + judgeRepeat(" a%d: account { id }", 95) + ` } } } }`, nil, false},
		judgeCase{"many roots", `{` + judgeRepeat(" r%d: accounts(first: 1) { totalCount }", 90) + ` }`, nil, true},
		judgeCase{"too many roots", `{ accounts(first: 1) { totalCount }` + judgeRepeat(" r%d: accounts(first: 1) { totalCount }", 100) + ` }`, nil, false},
	)
	fast := 0
	for _, c := range cases {
		v := j.ask(t, c.name, c.query, c.vars)
		if c.fast && !v.one {
			t.Errorf("%s: answered in %d statements, not in one: %s", c.name, v.fastStmts, c.query)
		}
		if v.wasted && c.name != judgeDeletedNode {
			t.Errorf("%s: the one statement ran and the query still went level by level (%d statements)", c.name, v.fastStmts)
		}
		if v.one {
			fast++
		}
	}
	t.Logf("fixed: %d queries, %d in one statement", len(cases), fast)
}

func (j *judge) random(t *testing.T) {
	one, stmtsFast, stmtsSlow, differ, slowFailed := 0, 0, 0, 0, 0
	for seed := range *judgeQueries {
		g := j.gen(uint64(seed))
		query, vars := g.query()
		v := j.ask(t, fmt.Sprintf("seed %d", seed), query, vars)
		if v.one {
			one++
		}
		stmtsFast += v.fastStmts
		stmtsSlow += v.slowStmts
		if v.slowFailed {
			slowFailed++
		}
		if v.wasted {
			t.Errorf("seed %d: the one statement ran and the query still went level by level (%d statements): %s", seed, v.fastStmts, query)
		}
		if !v.same && !v.slowFailed {
			differ++
			if differ >= 20 {
				t.Fatalf("stopped after %d differing answers", differ)
			}
		}
	}
	t.Logf("random: %d queries, %d answered in one statement; %d statements in all against %d level by level; %d failed level by level", *judgeQueries, one, stmtsFast, stmtsSlow, slowFailed)
	t.Logf("%d one-statement queries with parameters, %d asked again as literals", j.withParameters, j.literals)
	if j.fast.driver.Dialect() == dialect.Postgres && j.literals*2 < j.withParameters {
		t.Errorf("only %d of %d queries with parameters were asked again as literals", j.literals, j.withParameters)
	}
	if one*10 < *judgeQueries*7 {
		t.Errorf("only %d of %d random queries were answered in one statement: the generator no longer exercises graph/onestatement", one, *judgeQueries)
	}
}

// cursors asks for the pages after and before each cursor of one-statement
// answers, at the root and under a record, forward and backward, with and
// without their edges.
func (j *judge) cursors(t *testing.T) {
	asked, one := 0, 0
	for seed := range 60 {
		g := j.gen(uint64(1000 + seed))
		g.plain = true
		var first, next string
		if seed%3 == 2 {
			parent, typ, field, ok := g.nestedPage()
			if !ok {
				continue
			}
			args, sel := g.pageArgs(typ), g.pageSelection(typ)
			first = fmt.Sprintf(`{ node(id: %q) { ... on %s { c: %s(first: %d%s) %s } } }`, parent, field.owner, field.name, 1+g.r.IntN(5), args, sel)
			next = fmt.Sprintf(`query($c: Cursor) { node(id: %q) { ... on %s { c: %s(%%s%s) %%s } } }`, parent, field.owner, field.name, args)
		} else {
			typ := g.rootType()
			args, sel := g.pageArgs(typ), g.pageSelection(typ)
			first = fmt.Sprintf(`{ c: %s(first: %d%s) %s }`, typ.root, 1+g.r.IntN(5), args, sel)
			next = fmt.Sprintf(`query($c: Cursor) { c: %s(%%s%s) %%s }`, typ.root, args)
		}
		v := j.ask(t, fmt.Sprintf("cursor seed %d, first page", seed), first, nil)
		var answer struct{ Data any }
		if err := json.Unmarshal(v.body, &answer); err != nil {
			t.Fatalf("%s: %v", first, err)
		}
		var cursors []string
		collectCursors(answer.Data, &cursors)
		for i, c := range cursors {
			if i >= 3 {
				break
			}
			size := g.r.IntN(5)
			page := []string{"first: %d, after: $c", "last: %d, before: $c", "first: %d, before: $c", "last: %d, after: $c"}[g.r.IntN(4)]
			sel := []string{
				"{ totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } }",
				"{ pageInfo { hasNextPage hasPreviousPage } edges { node { id } } }",
				"{ totalCount pageInfo { hasNextPage hasPreviousPage startCursor } }",
				"{ pageInfo { hasPreviousPage hasNextPage } }",
				"{ totalCount edges { cursor } }",
			}[g.r.IntN(5)]
			q := fmt.Sprintf(next, fmt.Sprintf(page, size), sel)
			if j.ask(t, fmt.Sprintf("cursor seed %d, cursor %d", seed, i), q, map[string]any{"c": c}).one {
				one++
			}
			asked++
		}
	}
	t.Logf("cursors: %d pages past a cursor compared, %d in one statement", asked, one)
	if asked < 60 {
		t.Errorf("only %d pages past a cursor were asked", asked)
	}
	if one*10 < asked*8 {
		t.Errorf("only %d of %d pages past a cursor were answered in one statement", one, asked)
	}
}

// judgeIDCursor is the cursor of a record in a list without orderBy.
func judgeIDCursor(id string) string {
	n, err := strconv.Atoi(id)
	if err != nil {
		panic(err)
	}
	return idCursor(n)
}

// judgeRepeat writes format n times, numbered.
func judgeRepeat(format string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, format, i)
	}
	return b.String()
}

// collectCursors gathers every endCursor and edge cursor of a decoded answer, its keys in sorted order.
func collectCursors(v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if s, ok := x[k].(string); ok && (k == "cursor" || k == "endCursor") {
				*out = append(*out, s)
				continue
			}
			collectCursors(x[k], out)
		}
	case []any:
		for _, item := range x {
			collectCursors(item, out)
		}
	}
}

func (j *judge) errors(t *testing.T) {
	ids := j.ids
	for _, c := range []judgeCase{
		{"negative first", `{ accounts(first: -1) { totalCount } }`, nil, false},
		{"first over the page size", `{ accounts(first: 1000) { totalCount } }`, nil, false},
		{"nested first over the page size", `{ accounts(first: 2) { edges { node { plans(first: 101) { totalCount } } } } }`, nil, false},
		{"negative first in a variable", `query($n: Int) { accounts(first: $n) { edges { node { id } } } }`, map[string]any{"n": -1}, false},
		{"no first", `{ accounts { totalCount } }`, nil, false},
		{"first and last", `{ accounts(first: 1, last: 1) { totalCount } }`, nil, false},
		{"bad time", `{ actionItems(first: 2, where: {dueAtGT: "yesterday"}) { totalCount } }`, nil, false},
		{"bad time in a variable", `query($w: ActionItemWhereInput) { actionItems(first: 2, where: $w) { totalCount } }`, map[string]any{"w": map[string]any{"dueAt": "2026-13-01T00:00:00Z"}}, false},
		{"time out of range", `{ actionItems(first: 2, where: {dueAtLT: "0001-01-01T00:00:00Z"}) { totalCount } }`, nil, false},
		{"bad enum", `{ accounts(first: 2, where: {tier: PLATINUM}) { totalCount } }`, nil, false},
		{"bad cursor", `{ accounts(first: 2, after: "not a cursor") { totalCount } }`, nil, false},
		{"duplicate order", `{ accounts(first: 2, orderBy: [{field: NAME}, {field: NAME, direction: DESC}]) { edges { node { id } } } }`, nil, false},
		{"unknown node", `{ node(id: "999999999") { id } }`, nil, false},
		{"node of a type's range without a record", `{ node(id: "5294967296") { id ... on Account { name } } }`, nil, false},
		{"deleted node", `query($id: ID!) { node(id: $id) { id ... on User { name } } }`, map[string]any{"id": ids.deleted}, false},
		{"not an ID", `{ node(id: "abc") { id } }`, nil, false},
		{"unknown field", `{ accounts(first: 2) { edges { node { nope } } } }`, nil, false},
		{"unknown variable", `{ accounts(first: $n) { totalCount } }`, nil, false},
		{"missing variable", `query($yes: Boolean!) { accounts(first: 2) { totalCount @include(if: $yes) edges { cursor } } }`, nil, false},
		{"variable of the wrong type", `query($yes: Boolean!) { accounts(first: 2) { totalCount @include(if: $yes) edges { cursor } } }`, map[string]any{"yes": "maybe"}, false},
		{"over the page size, skipped", `{ a: accounts(first: 2) { totalCount } b: accounts(first: 101) @include(if: false) { totalCount } }`, nil, false},
		{"over the cost limit", `{ accounts(first: 100) { edges { node { plans(first: 100) { edges { node { goals(first: 100) { edges { node { objectives(first: 100) { totalCount } } } } } } } } } } }`, nil, false},
		{"over the depth limit", `{ stakeholders(first: 1) { edges { node { reportsTo { reportsTo { reportsTo { reportsTo { reportsTo { reportsTo { reportsTo { reportsTo { reportsTo { reportsTo { reportsTo { reportsTo { reportsTo { reportsTo { reportsTo { reportsTo { reportsTo { reportsTo { id } } } } } } } } } } } } } } } } } } } } } }`, nil, false},
	} {
		v := j.ask(t, c.name, c.query, c.vars)
		if v.one {
			t.Errorf("%s: answered in one statement: %s", c.name, v.body)
		}
	}
}

// judgeGen writes one random query.
type judgeGen struct {
	j     *judge
	r     *rand.Rand
	defs  []string // variable definitions
	vars  map[string]any
	frags []string // named fragments
	names int
	plain bool // no variables, fragments or directives: the text can be reused
}

func (j *judge) gen(seed uint64) *judgeGen {
	return &judgeGen{j: j, r: rand.New(rand.NewPCG(seed, 0x5eed)), vars: map[string]any{}}
}

func (g *judgeGen) chance(p float64) bool { return g.r.Float64() < p }

func (g *judgeGen) name(prefix string) string {
	g.names++
	return prefix + strconv.Itoa(g.names)
}

// variable declares a variable of the type holding v, literally lit, and
// names it; now and then v is the variable's default value, not sent.
func (g *judgeGen) variable(typ, lit string, v any) string {
	name := g.name("v")
	if g.chance(0.15) {
		g.defs = append(g.defs, "$"+name+": "+strings.TrimSuffix(typ, "!")+" = "+lit)
		return "$" + name
	}
	g.defs = append(g.defs, "$"+name+": "+typ)
	g.vars[name] = v
	return "$" + name
}

// judgeSel is one selection of a selection set: a field, its head
// ("alias: name(arguments)") and selection set, or a fragment.
type judgeSel struct{ head, body string }

func (s judgeSel) String() string {
	if s.body == "" {
		return s.head
	}
	return s.head + " { " + s.body + " }"
}

// query is a random query within the document limits.
func (g *judgeGen) query() (string, map[string]any) {
	for {
		g.defs, g.vars, g.frags, g.names = nil, map[string]any{}, nil, 0
		var roots []judgeSel
		n := 1
		if g.chance(0.25) {
			n = 2 + g.r.IntN(2)
		}
		for i := range n {
			alias := ""
			if n > 1 || g.chance(0.3) {
				alias = "r" + strconv.Itoa(i) + ": "
			}
			switch p := g.r.Float64(); {
			case p < 0.04:
				roots = append(roots, judgeSel{head: alias + "__typename"})
			case p < 0.24:
				root := g.nodeRoot()
				root.head = alias + root.head
				roots = append(roots, root)
			default:
				typ := g.rootType()
				root := g.connection(typ, typ.root, 0)
				root.head = alias + root.head
				roots = append(roots, root)
				if g.chance(0.05) { // the same field again, merged with the first
					roots = append(roots, judgeSel{root.head, g.connSelection(typ, 0)})
				}
			}
		}
		doc := "query"
		body := g.selectionSet(roots)
		if len(g.defs) > 0 {
			doc += "(" + strings.Join(g.defs, ", ") + ")"
		}
		doc += " { " + body + " }"
		for _, f := range g.frags {
			doc += " " + f
		}
		if judgeTokens(doc) <= 1900 {
			return doc, g.vars
		}
	}
}

// judgeTokens counts a document's lexical tokens, as the token limit does.
func judgeTokens(doc string) int {
	l := lexer.New(&ast.Source{Input: doc})
	n := 0
	for {
		tok, err := l.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return n
		}
		n++
	}
}

// rootType is a type with a root connection: one anyone reads, mostly.
func (g *judgeGen) rootType() *judgeType {
	for {
		typ := g.j.types[g.j.names[g.r.IntN(len(g.j.names))]]
		if typ.root != "" && (!typ.table.Guarded || g.chance(0.05)) {
			return typ
		}
	}
}

func (g *judgeGen) nodeRoot() judgeSel {
	var typ *judgeType
	for typ == nil || len(typ.ids) == 0 {
		typ = g.rootType()
	}
	id := typ.ids[g.r.IntN(len(typ.ids))]
	arg := strconv.Quote(id)
	if !g.plain && g.chance(0.2) {
		arg = g.variable("ID!", arg, id)
	}
	var parts []judgeSel
	if g.chance(0.3) {
		parts = append(parts, judgeSel{head: "__typename"})
	}
	if g.chance(0.3) {
		parts = append(parts, judgeSel{head: "id"})
	}
	parts = append(parts, judgeSel{"... on " + typ.name, g.object(typ, 1)})
	if g.chance(0.2) {
		other := g.j.types[g.j.names[g.r.IntN(len(g.j.names))]]
		parts = append(parts, judgeSel{"... on " + other.name, g.object(other, 3)})
	}
	if g.chance(0.15) {
		parts = append(parts, judgeSel{"... on Node", "id"})
	}
	return judgeSel{"node(id: " + arg + ")", g.selectionSet(parts)}
}

// connection is a connection field with random arguments and selection.
func (g *judgeGen) connection(typ *judgeType, field string, depth int) judgeSel {
	return judgeSel{field + "(" + g.connArgs(typ, depth) + ")", g.connSelection(typ, depth)}
}

func (g *judgeGen) connArgs(typ *judgeType, depth int) string {
	var args []string
	first := g.r.IntN(8)
	switch {
	case depth == 0 && g.chance(0.05):
		first = 100
	case g.chance(0.01):
		first = 101
	}
	size, other := "first", "last"
	if g.chance(0.2) {
		size, other = "last", "first"
	}
	if !g.plain && g.chance(0.1) {
		args = append(args, size+": "+g.variable([]string{"Int", "Int!"}[g.r.IntN(2)], strconv.Itoa(first), first))
	} else {
		args = append(args, size+": "+strconv.Itoa(first))
	}
	if len(typ.orders) > 0 && g.chance(0.5) {
		args = append(args, "orderBy: "+g.orderBy(typ))
	}
	if typ.where != nil && g.chance(0.4) {
		w := g.where(typ, 0)
		if !g.plain && g.chance(0.2) {
			args = append(args, "where: "+g.variable(typ.name+"WhereInput", judgeLiteral(w), judgeJSON(w)))
		} else {
			args = append(args, "where: "+judgeLiteral(w))
		}
	}
	if g.chance(0.05) {
		args = append(args, []string{"after: null", "before: null", other + ": null"}[g.r.IntN(3)])
	}
	g.r.Shuffle(len(args), func(a, b int) { args[a], args[b] = args[b], args[a] })
	return strings.Join(args, ", ")
}

func (g *judgeGen) orderBy(typ *judgeType) string {
	n := 1
	switch p := g.r.Float64(); {
	case p < 0.3:
		n = 2
	case p < 0.35:
		n = 3
	}
	fields := slices.Clone(typ.orders)
	g.r.Shuffle(len(fields), func(a, b int) { fields[a], fields[b] = fields[b], fields[a] })
	var terms []string
	var values []any
	for i := range min(n, len(fields)) {
		term := "{field: " + fields[i]
		value := map[string]any{"field": fields[i]}
		switch p := g.r.Float64(); {
		case p < 0.4:
			term += ", direction: DESC"
			value["direction"] = "DESC"
		case p < 0.6:
			term += ", direction: ASC"
			value["direction"] = "ASC"
		}
		terms = append(terms, term+"}")
		values = append(values, value)
	}
	if !g.plain && g.chance(0.1) {
		if len(values) == 1 && g.chance(0.3) {
			return g.variable("["+typ.name+"Order!]", terms[0], values[0]) // a single object stands for a list of one
		}
		return g.variable("["+typ.name+"Order!]", "["+strings.Join(terms, ", ")+"]", values)
	}
	if len(terms) == 1 && g.chance(0.3) {
		return terms[0]
	}
	return "[" + strings.Join(terms, ", ") + "]"
}

func (g *judgeGen) connSelection(typ *judgeType, depth int) string {
	var parts []judgeSel
	if g.chance(0.15) {
		parts = append(parts, judgeSel{head: "__typename"})
	}
	if g.chance(0.4) {
		parts = append(parts, judgeSel{head: "totalCount"})
	}
	if g.chance(0.35) {
		parts = append(parts, judgeSel{"pageInfo", g.pageInfo()})
	}
	if len(parts) == 0 || g.chance(0.8) {
		parts = append(parts, judgeSel{"edges", g.edges(typ, depth)})
	}
	if g.chance(0.04) { // the same field again, merged with the first
		parts = append(parts, judgeSel{"edges", g.edges(typ, depth)})
	}
	if g.chance(0.08) { // connection fields under other names, beside their own or alone
		parts = append(parts, []judgeSel{{head: "tc: totalCount"}, {"pi: pageInfo", g.pageInfo()}, {"e: edges", g.edges(typ, depth)}}[g.r.IntN(3)])
	}
	if !g.plain && g.chance(0.1) {
		i := g.r.IntN(len(parts))
		parts[i] = judgeSel{"... on " + typ.name + "Connection", parts[i].String()}
	}
	if !g.plain && g.chance(0.05) {
		i := g.r.IntN(len(parts))
		frag := g.name("F")
		g.frags = append(g.frags, "fragment "+frag+" on "+typ.name+"Connection { "+parts[i].String()+" }")
		parts[i] = judgeSel{head: "..." + frag}
	}
	return g.selectionSet(parts)
}

func (g *judgeGen) pageInfo() string {
	all := []string{"hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"}
	var parts []judgeSel
	for _, f := range all {
		if g.chance(0.4) {
			parts = append(parts, judgeSel{head: f})
		}
	}
	if len(parts) == 0 {
		parts = append(parts, judgeSel{head: all[g.r.IntN(4)]})
	}
	if g.chance(0.05) {
		parts = append(parts, judgeSel{head: g.name("p") + ": " + all[g.r.IntN(4)]})
	}
	return g.selectionSet(parts)
}

func (g *judgeGen) edges(typ *judgeType, depth int) string {
	var parts []judgeSel
	if g.chance(0.1) {
		parts = append(parts, judgeSel{head: "__typename"})
	}
	if g.chance(0.35) {
		parts = append(parts, judgeSel{head: "cursor"})
	}
	if len(parts) == 0 || g.chance(0.9) {
		parts = append(parts, judgeSel{"node", g.object(typ, depth+1)})
	}
	if !g.plain && g.chance(0.05) {
		parts = append(parts, judgeSel{"... on " + typ.name + "Edge", "cursor"})
	}
	return g.selectionSet(parts)
}

// object is a random selection of a record's fields: scalars, to-one edges,
// connections below until depth 4, and now and then a field the resolvers compute.
func (g *judgeGen) object(typ *judgeType, depth int) string {
	var parts []judgeSel
	if g.chance(0.2) {
		parts = append(parts, judgeSel{head: "__typename"})
	}
	if g.chance(0.05) {
		parts = append(parts, judgeSel{head: g.name("t") + ": __typename"})
	}
	scalars := slices.Clone(typ.scalars)
	g.r.Shuffle(len(scalars), func(a, b int) { scalars[a], scalars[b] = scalars[b], scalars[a] })
	for _, s := range scalars[:min(len(scalars), 1+g.r.IntN(5))] {
		parts = append(parts, judgeSel{head: s})
	}
	if g.chance(0.1) {
		parts = append(parts, judgeSel{head: g.name("a") + ": " + scalars[0]})
	}
	if depth < 4 && len(typ.ones) > 0 && g.chance(0.35) {
		one := typ.ones[g.r.IntN(len(typ.ones))]
		target := g.j.types[typ.table.Edges[one].Target]
		if !target.table.Guarded || g.chance(0.2) {
			parts = append(parts, judgeSel{one, g.object(target, depth+1)})
			switch p := g.r.Float64(); {
			case p < 0.05: // merged
				parts = append(parts, judgeSel{one, g.object(target, 4)})
			case p < 0.1: // under an alias
				parts = append(parts, judgeSel{g.name("o") + ": " + one, g.object(target, 4)})
			}
		}
	}
	if depth < 4 && len(typ.conns) > 0 && g.chance(0.3) {
		conn := typ.conns[g.r.IntN(len(typ.conns))]
		target := g.j.types[typ.table.Edges[conn].Target]
		if !target.table.Guarded || g.chance(0.2) {
			c := g.connection(target, conn, depth)
			parts = append(parts, c)
			switch p := g.r.Float64(); {
			case p < 0.1: // the same arguments again: merged
				parts = append(parts, judgeSel{c.head, g.connSelection(target, depth)})
			case p < 0.2: // other arguments under an alias
				other := g.connection(target, conn, depth)
				other.head = g.name("c") + ": " + other.head
				parts = append(parts, other)
			}
		}
	}
	if len(typ.others) > 0 && g.chance(0.04) {
		parts = append(parts, judgeSel{head: typ.others[g.r.IntN(len(typ.others))]})
	}
	if !g.plain {
		if g.chance(0.1) {
			parts = append(parts, judgeSel{"... on Node", "id"})
		}
		if g.chance(0.1) {
			i := g.r.IntN(len(parts))
			parts[i] = judgeSel{"... on " + typ.name, parts[i].String()}
		}
		if g.chance(0.08) {
			i := g.r.IntN(len(parts))
			frag := g.name("F")
			g.frags = append(g.frags, "fragment "+frag+" on "+typ.name+" { "+parts[i].String()+" }")
			parts[i] = judgeSel{head: "..." + frag}
		}
	}
	return g.selectionSet(parts)
}

// selectionSet shuffles the selections and now and then puts @include or
// @skip on one of them, a field or a fragment.
func (g *judgeGen) selectionSet(parts []judgeSel) string {
	g.r.Shuffle(len(parts), func(a, b int) { parts[a], parts[b] = parts[b], parts[a] })
	if !g.plain && g.chance(0.12) {
		i := g.r.IntN(len(parts))
		cond := strconv.FormatBool(g.chance(0.5))
		if g.chance(0.7) {
			b := g.chance(0.5)
			cond = g.variable("Boolean!", strconv.FormatBool(b), b)
		}
		parts[i].head += " " + []string{"@include", "@skip"}[g.r.IntN(2)] + "(if: " + cond + ")"
	}
	texts := make([]string, len(parts))
	for i, p := range parts {
		texts[i] = p.String()
	}
	return strings.Join(texts, " ")
}

// judgeLit is a leaf of an input value: its GraphQL text and its JSON value.
type judgeLit struct {
	text string
	json any
}

// where is a random filter of the type, with values from its sample records.
func (g *judgeGen) where(typ *judgeType, depth int) map[string]any {
	w := map[string]any{}
	n := 1
	if g.chance(0.3) {
		n = 2
	}
	for range n {
		switch p := g.r.Float64(); {
		case p < 0.08 && depth < 2:
			w["not"] = g.where(typ, depth+1)
		case p < 0.18 && depth < 2:
			key := []string{"and", "or"}[g.r.IntN(2)]
			w[key] = []any{g.where(typ, depth+1), g.where(typ, depth+1)}
			if g.chance(0.2) {
				w[key] = g.list(g.where(typ, depth+1))
			}
		case p < 0.3 && len(typ.ones)+len(typ.conns) > 0:
			edges := append(slices.Clone(typ.ones), typ.conns...)
			edge := edges[g.r.IntN(len(edges))]
			name := "has" + strings.ToUpper(edge[:1]) + edge[1:]
			target := g.j.types[typ.table.Edges[edge].Target]
			if typ.where.Fields.ForName(name) == nil {
				continue
			}
			if depth < 2 && target.where != nil && len(target.records) > 0 && g.chance(0.6) {
				w[name+"With"] = g.list(g.where(target, depth+1))
			} else {
				b := g.chance(0.8)
				w[name] = judgeLit{strconv.FormatBool(b), b}
			}
		default:
			g.predicate(typ, w)
		}
	}
	if len(w) == 0 {
		w["idGT"] = judgeLit{`"0"`, "0"}
	}
	return w
}

// list is a list input of the items; one item now and then alone, which GraphQL takes for a list of one.
func (g *judgeGen) list(items ...any) any {
	if len(items) == 1 && g.chance(0.3) {
		return items[0]
	}
	return items
}

var judgeSuffixes = []string{"ContainsFold", "EqualFold", "HasPrefix", "HasSuffix", "Contains", "NotNil", "IsNil", "NotIn", "NEQ", "GTE", "LTE", "In", "GT", "LT", ""}

// predicate adds a condition on one field, its value taken from a sample record.
func (g *judgeGen) predicate(typ *judgeType, w map[string]any) {
	if len(typ.records) == 0 {
		return
	}
	for range 10 {
		in := typ.where.Fields[g.r.IntN(len(typ.where.Fields))]
		var base, suffix string
		for _, s := range judgeSuffixes {
			if b, ok := strings.CutSuffix(in.Name, s); ok && slices.Contains(typ.scalars, b) {
				base, suffix = b, s
				break
			}
		}
		if base == "" {
			continue
		}
		sample := func() any { return typ.records[g.r.IntN(len(typ.records))][base] }
		leaf := in.Type.Name()
		switch suffix {
		case "IsNil", "NotNil":
			w[in.Name] = judgeLit{"true", true}
			if g.chance(0.1) {
				w[in.Name] = judgeLit{"false", false}
			}
			return
		case "In", "NotIn":
			var items []any
			for range 1 + g.r.IntN(3) {
				if v := sample(); v != nil {
					items = append(items, judgeValue(leaf, v))
				}
			}
			if len(items) == 0 {
				continue
			}
			w[in.Name] = g.list(items...)
			return
		case "Contains", "HasPrefix", "HasSuffix", "EqualFold", "ContainsFold":
			s, ok := sample().(string)
			if !ok {
				continue
			}
			runes := []rune(s)
			a, b := 0, len(runes)
			if len(runes) > 0 && suffix != "EqualFold" {
				a = g.r.IntN(len(runes))
				b = a + g.r.IntN(len(runes)-a+1)
				switch suffix {
				case "HasPrefix":
					a = 0
				case "HasSuffix":
					b = len(runes)
				}
			}
			part := string(runes[a:b])
			if strings.HasSuffix(suffix, "Fold") && g.chance(0.7) {
				part = strings.ToUpper(part)
			}
			w[in.Name] = judgeValue(leaf, part)
			return
		default:
			v := sample()
			if v == nil {
				continue
			}
			w[in.Name] = judgeValue(leaf, v)
			return
		}
	}
}

// judgeValue is a sample value as an input of the named type.
func judgeValue(typ string, v any) judgeLit {
	switch x := v.(type) {
	case string:
		if apiSchema.Types[typ].Kind == ast.Enum {
			return judgeLit{x, x}
		}
		b, _ := json.Marshal(x)
		return judgeLit{string(b), x}
	case json.Number:
		return judgeLit{x.String(), x}
	case bool:
		return judgeLit{strconv.FormatBool(x), x}
	}
	panic(fmt.Sprintf("a sample value %#v of %s", v, typ))
}

// judgeLiteral writes an input value as GraphQL.
func judgeLiteral(v any) string {
	switch x := v.(type) {
	case judgeLit:
		return x.text
	case []any:
		items := make([]string, len(x))
		for i, item := range x {
			items[i] = judgeLiteral(item)
		}
		return "[" + strings.Join(items, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fields := make([]string, len(keys))
		for i, k := range keys {
			fields[i] = k + ": " + judgeLiteral(x[k])
		}
		return "{" + strings.Join(fields, ", ") + "}"
	}
	panic(fmt.Sprintf("an input value %#v", v))
}

// judgeJSON is an input value as a variable holds it.
func judgeJSON(v any) any {
	switch x := v.(type) {
	case judgeLit:
		return x.json
	case []any:
		items := make([]any, len(x))
		for i, item := range x {
			items[i] = judgeJSON(item)
		}
		return items
	case map[string]any:
		obj := make(map[string]any, len(x))
		for k, item := range x {
			obj[k] = judgeJSON(item)
		}
		return obj
	}
	panic(fmt.Sprintf("an input value %#v", v))
}

// pageArgs are a page's arguments but its size, without variables, each after a comma.
func (g *judgeGen) pageArgs(typ *judgeType) string {
	args := ""
	if len(typ.orders) > 0 && g.chance(0.7) {
		args += ", orderBy: " + g.orderBy(typ)
	}
	if typ.where != nil && g.chance(0.3) {
		args += ", where: " + judgeLiteral(g.where(typ, 1))
	}
	return args
}

func (g *judgeGen) pageSelection(typ *judgeType) string {
	sel := "{ edges { cursor node { id " + g.object(typ, 3) + " } } pageInfo { hasNextPage endCursor } "
	if g.chance(0.5) {
		sel += "totalCount "
	}
	return sel + "}"
}

// judgeField is a connection field of an object type.
type judgeField struct{ owner, name string }

// nestedPage is a record with records under a connection of its type.
func (g *judgeGen) nestedPage() (parent string, typ *judgeType, field judgeField, ok bool) {
	for range 20 {
		owner := g.rootType()
		if len(owner.conns) == 0 || len(owner.ids) == 0 || owner.table.Guarded {
			continue
		}
		conn := owner.conns[g.r.IntN(len(owner.conns))]
		target := g.j.types[owner.table.Edges[conn].Target]
		if target.table.Guarded {
			continue
		}
		return owner.ids[g.r.IntN(len(owner.ids))], target, judgeField{owner.name, conn}, true
	}
	return "", nil, judgeField{}, false
}
