package apitest

// Fixtures and small helpers shared by crud_test.go and list_test.go.

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// forSubtest returns an env that talks to the same server and database, with
// the same token, but reports failures on t, so that table rows can run as subtests.
func (e *env) forSubtest(t *testing.T) *env {
	c := *e
	c.t = t
	return &c
}

// gid turns an ent ID into the GraphQL ID the API uses.
func gid(id int) string { return strconv.Itoa(id) }

// parents holds one record of every type that other records hang off, as
// GraphQL IDs: what a create mutation of any type can reference.
type parents struct {
	user         string // owns the account and the plan
	account      string // "Acme Corp", owned by user
	businessUnit string // of account
	product      string
	plan         string // of account
	goal         string // of plan
	objective    string // of goal
	kpi          string // of objective
	manager      string // stakeholder of account
	stakeholder  string // stakeholder of account, reports to manager
}

// newParents writes the parents directly through the ent client. It adds no
// team member, relationship, influence edge, whitespace cell or revenue record,
// so the API can create those without hitting a unique constraint.
func newParents(t *testing.T, e *env) parents {
	t.Helper()
	ctx := context.Background()
	c := e.client
	user := c.User.Create().SetName("Ada Lovelace").SetEmail("ada@example.com").SaveX(ctx)
	acc := c.Account.Create().SetName("Acme Corp").SetTier(account.TierSTRATEGIC).SetOwnerID(user.ID).SaveX(ctx)
	unit := c.BusinessUnit.Create().SetName("Cloud Division").SetAccountID(acc.ID).SaveX(ctx)
	product := c.Product.Create().SetName("Analytics Suite").SaveX(ctx)
	plan := c.AccountPlan.Create().SetName("FY27 Expansion").SetAccountID(acc.ID).SetOwnerID(user.ID).
		SetStatus(accountplan.StatusACTIVE).SetPeriodStart(day("2027-01-01")).SetPeriodEnd(day("2027-12-31")).SaveX(ctx)
	goal := c.Goal.Create().SetTitle("Grow the account by $500K in 12 months").SetPlanID(plan.ID).SaveX(ctx)
	objective := c.Objective.Create().SetTitle("Land the analytics pilot").SetGoalID(goal.ID).SaveX(ctx)
	kpi := c.KPI.Create().SetName("Weekly active users").SetObjectiveID(objective.ID).SaveX(ctx)
	manager := c.Stakeholder.Create().SetName("Mona Vale").SetTitle("CIO").SetAccountID(acc.ID).SaveX(ctx)
	person := c.Stakeholder.Create().SetName("Sam Reyes").SetTitle("Director IT").SetAccountID(acc.ID).
		SetReportsToID(manager.ID).SetSupport(stakeholder.SupportSUPPORTER).SaveX(ctx)
	return parents{
		user: gid(user.ID), account: gid(acc.ID), businessUnit: gid(unit.ID), product: gid(product.ID),
		plan: gid(plan.ID), goal: gid(goal.ID), objective: gid(objective.ID), kpi: gid(kpi.ID),
		manager: gid(manager.ID), stakeholder: gid(person.ID),
	}
}

// day parses a YYYY-MM-DD date as midnight UTC.
func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// asJSON gives a Go value the shape json.Unmarshal gives a response value
// (numbers become float64, structs become maps), so expectations can be
// written with ordinary Go literals.
func asJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

// sameJSON tells whether a response value equals an expectation written in Go.
func sameJSON(got, want any) bool {
	return reflect.DeepEqual(asJSON(got), asJSON(want))
}

// nodeNames lists edges[].node.name of a decoded connection.
func nodeNames(conn any) []string {
	names := []string{}
	edges, _ := get(conn, "edges").([]any)
	for _, edge := range edges {
		name, _ := get(edge, "node", "name").(string)
		names = append(names, name)
	}
	return names
}

// totalCount is the totalCount of a decoded connection, or -1 when absent.
func totalCount(conn any) int {
	n, ok := get(conn, "totalCount").(float64)
	if !ok {
		return -1
	}
	return int(n)
}

// rootCounts returns the totalCount of each named root connection, in one request.
func rootCounts(e *env, roots ...string) map[string]int {
	e.t.Helper()
	var q strings.Builder
	q.WriteString("{")
	for _, r := range roots {
		fmt.Fprintf(&q, " %s(first: 1) { totalCount }", r)
	}
	q.WriteString(" }")
	data := e.must(q.String(), nil)
	counts := make(map[string]int, len(roots))
	for _, r := range roots {
		counts[r] = totalCount(data[r])
	}
	return counts
}

// parseTime reads a Time value of a response.
func parseTime(t *testing.T, v any) time.Time {
	t.Helper()
	s, _ := v.(string)
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("not a Time: %#v", v)
	}
	return tm
}
