package apitest

// Every data-layer invariant is refused through the real handler with the
// right extensions.code and extensions.field, and a refused request writes
// nothing. The automatic behaviours (completedAt, closedAt, a KPI's
// currentValue) are checked here too.

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/actionitem"
)

// invWorld is the fixture the invariant tests write against: accounts A and
// B with the same kinds of records each, and C, a subsidiary of B.
type invWorld struct {
	userA, userB            *ent.User
	accA, accB, accC        *ent.Account // accC.parent = accB
	buA, buB                *ent.BusinessUnit
	product                 *ent.Product
	sA1, sA2, sA3, sA4, sB1 *ent.Stakeholder // sA1 → sA2 → sA3 (reports to)
	planA, planB            *ent.AccountPlan
	goalA, goalB            *ent.Goal
	objA, objB              *ent.Objective
	kpiA                    *ent.KPI
	itemA                   *ent.ActionItem
	insightA                *ent.Insight
	feedbackA               *ent.Feedback
	oppA                    *ent.Opportunity
	revenueA                *ent.RevenueRecord
	cellA                   *ent.WhitespaceCell
	start, end              time.Time
	edgeA                   *ent.InfluenceEdge
}

// invID is the GraphQL form of an ID.
func invID(id int) string { return strconv.Itoa(id) }

// invMust fails the test on a fixture error.
func invMust[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("fixture: %v", err)
		}
		return v
	}
}

func newInvWorld(t *testing.T, e *env) *invWorld {
	t.Helper()
	ctx := context.Background()
	c := e.client
	w := &invWorld{
		start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		end:   time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC),
	}
	w.userA = invMust[*ent.User](t)(c.User.Create().SetName("Ada").SetEmail("ada@example.com").Save(ctx))
	w.userB = invMust[*ent.User](t)(c.User.Create().SetName("Bob").SetEmail("bob@example.com").Save(ctx))
	acc := invMust[*ent.Account](t)
	w.accA = acc(c.Account.Create().SetName("Acme").SetOwner(w.userA).Save(ctx))
	w.accB = acc(c.Account.Create().SetName("Beta").SetOwner(w.userB).Save(ctx))
	w.accC = acc(c.Account.Create().SetName("Beta Labs").SetParent(w.accB).Save(ctx))
	bu := invMust[*ent.BusinessUnit](t)
	w.buA = bu(c.BusinessUnit.Create().SetName("Retail").SetAccount(w.accA).Save(ctx))
	w.buB = bu(c.BusinessUnit.Create().SetName("Retail").SetAccount(w.accB).Save(ctx))
	w.product = invMust[*ent.Product](t)(c.Product.Create().SetName("Analytics").Save(ctx))
	sh := invMust[*ent.Stakeholder](t)
	w.sA3 = sh(c.Stakeholder.Create().SetName("Cleo CEO").SetAccount(w.accA).SetRank(5).Save(ctx))
	w.sA2 = sh(c.Stakeholder.Create().SetName("Vic VP").SetAccount(w.accA).SetReportsTo(w.sA3).Save(ctx))
	w.sA1 = sh(c.Stakeholder.Create().SetName("Max Manager").SetAccount(w.accA).SetReportsTo(w.sA2).Save(ctx))
	w.sA4 = sh(c.Stakeholder.Create().SetName("Ivy IC").SetAccount(w.accA).Save(ctx))
	w.sB1 = sh(c.Stakeholder.Create().SetName("Bea Buyer").SetAccount(w.accB).Save(ctx))
	w.edgeA = invMust[*ent.InfluenceEdge](t)(c.InfluenceEdge.Create().SetFrom(w.sA4).SetTo(w.sA3).Save(ctx))
	plan := invMust[*ent.AccountPlan](t)
	w.planA = plan(c.AccountPlan.Create().SetName("FY26 Acme").SetAccount(w.accA).SetPeriodStart(w.start).SetPeriodEnd(w.end).Save(ctx))
	w.planB = plan(c.AccountPlan.Create().SetName("FY26 Beta").SetAccount(w.accB).SetPeriodStart(w.start).SetPeriodEnd(w.end).Save(ctx))
	goal := invMust[*ent.Goal](t)
	w.goalA = goal(c.Goal.Create().SetTitle("Grow Acme").SetPlan(w.planA).Save(ctx))
	w.goalB = goal(c.Goal.Create().SetTitle("Grow Beta").SetPlan(w.planB).Save(ctx))
	obj := invMust[*ent.Objective](t)
	w.objA = obj(c.Objective.Create().SetTitle("Land analytics").SetGoal(w.goalA).Save(ctx))
	w.objB = obj(c.Objective.Create().SetTitle("Land analytics").SetGoal(w.goalB).Save(ctx))
	w.kpiA = invMust[*ent.KPI](t)(c.KPI.Create().SetName("Active users").SetObjective(w.objA).Save(ctx))
	w.itemA = invMust[*ent.ActionItem](t)(c.ActionItem.Create().SetTitle("Book the demo").SetPlan(w.planA).SetObjective(w.objA).SetOwner(w.userA).Save(ctx))
	w.insightA = invMust[*ent.Insight](t)(c.Insight.Create().SetKind("PRESSURE").SetText("Costs").SetPlan(w.planA).Save(ctx))
	w.feedbackA = invMust[*ent.Feedback](t)(c.Feedback.Create().SetKind("AD_HOC").SetAccount(w.accA).Save(ctx))
	w.oppA = invMust[*ent.Opportunity](t)(c.Opportunity.Create().SetName("Analytics deal").SetAccount(w.accA).SetOpenedAt(w.start).Save(ctx))
	w.revenueA = invMust[*ent.RevenueRecord](t)(c.RevenueRecord.Create().SetAccount(w.accA).SetPeriodStart(w.start).SetPeriodEnd(w.end).SetStartingRevenue(100).Save(ctx))
	w.cellA = invMust[*ent.WhitespaceCell](t)(c.WhitespaceCell.Create().SetAccount(w.accA).SetBusinessUnit(w.buA).SetProduct(w.product).Save(ctx))
	return w
}

// invSnapshot describes every row of every table by ID and updatedAt, so two
// snapshots differ when a request inserted, deleted or updated anything.
func invSnapshot(t *testing.T, e *env) string {
	t.Helper()
	ctx := context.Background()
	c := e.client
	var rows []string
	add := func(list any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("snapshot: %v", err)
		}
		v := reflect.ValueOf(list)
		for i := 0; i < v.Len(); i++ {
			n := v.Index(i).Elem()
			rows = append(rows, fmt.Sprintf("%s %d %s", n.Type().Name(), n.FieldByName("ID").Int(),
				n.FieldByName("UpdatedAt").Interface().(time.Time).UTC().Format(time.RFC3339Nano)))
		}
	}
	add(c.Account.Query().All(ctx))
	add(c.AccountPlan.Query().All(ctx))
	add(c.AccountTeamMember.Query().All(ctx))
	add(c.ActionItem.Query().All(ctx))
	add(c.BusinessUnit.Query().All(ctx))
	add(c.Feedback.Query().All(ctx))
	add(c.Goal.Query().All(ctx))
	add(c.InfluenceEdge.Query().All(ctx))
	add(c.Insight.Query().All(ctx))
	add(c.KPI.Query().All(ctx))
	add(c.KPIMeasurement.Query().All(ctx))
	add(c.Objective.Query().All(ctx))
	add(c.Opportunity.Query().All(ctx))
	add(c.Product.Query().All(ctx))
	add(c.Relationship.Query().All(ctx))
	add(c.RevenueRecord.Query().All(ctx))
	add(c.Review.Query().All(ctx))
	add(c.Stakeholder.Query().All(ctx))
	add(c.SwotItem.Query().All(ctx))
	add(c.User.Query().All(ctx))
	add(c.WhitespaceCell.Query().All(ctx))
	sort.Strings(rows)
	return strings.Join(rows, "\n")
}

// invRefused runs a request that must be refused as a whole: one error, data
// null. It returns the error's code and field.
func invRefused(t *testing.T, e *env, query string, vars map[string]any) (code, field string) {
	t.Helper()
	r := e.do(query, vars)
	if len(r.Errors) != 1 {
		t.Fatalf("want exactly one error, got %d: %+v (data %v)", len(r.Errors), r.Errors, r.Data)
	}
	if !r.HasData || r.Data != nil {
		t.Errorf("want \"data\": null, got HasData=%v data=%v", r.HasData, r.Data)
	}
	code, _ = r.Errors[0].Extensions["code"].(string)
	field, _ = r.Errors[0].Extensions["field"].(string)
	if r.Errors[0].Message == "" {
		t.Error("the error has no message")
	}
	return code, field
}

// invRun runs fn as a subtest whose env reports failures to the subtest.
func invRun(t *testing.T, e *env, name string, fn func(t *testing.T)) {
	t.Run(name, func(t *testing.T) {
		parent := e.t
		e.t = t
		defer func() { e.t = parent }()
		fn(t)
	})
}

// The mutations the cases use, with the input as the variable $in.
const (
	invCreateStakeholder   = `mutation($in: CreateStakeholderInput!) { createStakeholder(input: $in) { id } }`
	invUpdateStakeholder   = `mutation($id: ID!, $in: UpdateStakeholderInput!) { updateStakeholder(id: $id, input: $in) { id } }`
	invCreateInfluenceEdge = `mutation($in: CreateInfluenceEdgeInput!) { createInfluenceEdge(input: $in) { id } }`
	invUpdateInfluenceEdge = `mutation($id: ID!, $in: UpdateInfluenceEdgeInput!) { updateInfluenceEdge(id: $id, input: $in) { id } }`
	invCreateAccountPlan   = `mutation($in: CreateAccountPlanInput!) { createAccountPlan(input: $in) { id } }`
	invUpdateAccountPlan   = `mutation($id: ID!, $in: UpdateAccountPlanInput!) { updateAccountPlan(id: $id, input: $in) { id } }`
	invCreateRevenueRecord = `mutation($in: CreateRevenueRecordInput!) { createRevenueRecord(input: $in) { id } }`
	invUpdateRevenueRecord = `mutation($id: ID!, $in: UpdateRevenueRecordInput!) { updateRevenueRecord(id: $id, input: $in) { id } }`
	invCreateAccount       = `mutation($in: CreateAccountInput!) { createAccount(input: $in) { id } }`
	invUpdateAccount       = `mutation($id: ID!, $in: UpdateAccountInput!) { updateAccount(id: $id, input: $in) { id } }`
	invCreateOpportunity   = `mutation($in: CreateOpportunityInput!) { createOpportunity(input: $in) { id } }`
	invUpdateOpportunity   = `mutation($id: ID!, $in: UpdateOpportunityInput!) { updateOpportunity(id: $id, input: $in) { id } }`
	invCreateGoal          = `mutation($in: CreateGoalInput!) { createGoal(input: $in) { id } }`
	invCreateKPI           = `mutation($in: CreateKPIInput!) { createKPI(input: $in) { id } }`
	invCreateWhitespace    = `mutation($in: CreateWhitespaceCellInput!) { createWhitespaceCell(input: $in) { id } }`
	invUpdateWhitespace    = `mutation($id: ID!, $in: UpdateWhitespaceCellInput!) { updateWhitespaceCell(id: $id, input: $in) { id } }`
	invCreateUser          = `mutation($in: CreateUserInput!) { createUser(input: $in) { id } }`
	invUpdateUser          = `mutation($id: ID!, $in: UpdateUserInput!) { updateUser(id: $id, input: $in) { id } }`
	invCreateActionItem    = `mutation($in: CreateActionItemInput!) { createActionItem(input: $in) { id } }`
	invUpdateActionItem    = `mutation($id: ID!, $in: UpdateActionItemInput!) { updateActionItem(id: $id, input: $in) { id } }`
	invCreateInsight       = `mutation($in: CreateInsightInput!) { createInsight(input: $in) { id } }`
	invUpdateInsight       = `mutation($id: ID!, $in: UpdateInsightInput!) { updateInsight(id: $id, input: $in) { id } }`
	invCreateFeedback      = `mutation($in: CreateFeedbackInput!) { createFeedback(input: $in) { id } }`
	invUpdateFeedback      = `mutation($id: ID!, $in: UpdateFeedbackInput!) { updateFeedback(id: $id, input: $in) { id } }`
	invCreateReview        = `mutation($in: CreateReviewInput!) { createReview(input: $in) { id } }`
)

// invCase is one write that an invariant refuses.
type invCase struct {
	name  string
	query string
	vars  func(w *invWorld) map[string]any
	code  string
	field string
}

func invRefusals() []invCase {
	in := func(v map[string]any) map[string]any { return map[string]any{"in": v} }
	upd := func(id int, v map[string]any) map[string]any { return map[string]any{"id": invID(id), "in": v} }
	day := func(y int, m time.Month, d int) string {
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
	}
	return []invCase{
		// The reporting line.
		{"stakeholder created reporting to another account's stakeholder", invCreateStakeholder, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "New", "accountID": invID(w.accA.ID), "reportsToID": invID(w.sB1.ID)})
		}, "BAD_USER_INPUT", "reportsToID"},
		{"stakeholder moved under another account's stakeholder", invUpdateStakeholder, func(w *invWorld) map[string]any {
			return upd(w.sA4.ID, map[string]any{"reportsToID": invID(w.sB1.ID)})
		}, "BAD_USER_INPUT", "reportsToID"},
		{"stakeholder reporting to themselves", invUpdateStakeholder, func(w *invWorld) map[string]any {
			return upd(w.sA4.ID, map[string]any{"reportsToID": invID(w.sA4.ID)})
		}, "BAD_USER_INPUT", "reportsToID"},
		{"reporting cycle A→B→C then C→A", invUpdateStakeholder, func(w *invWorld) map[string]any {
			return upd(w.sA3.ID, map[string]any{"reportsToID": invID(w.sA1.ID)})
		}, "BAD_USER_INPUT", "reportsToID"},
		{"reporting cycle of two (C→B while B→C)", invUpdateStakeholder, func(w *invWorld) map[string]any {
			return upd(w.sA3.ID, map[string]any{"reportsToID": invID(w.sA2.ID)})
		}, "BAD_USER_INPUT", "reportsToID"},
		{"stakeholder in another account's business unit", invCreateStakeholder, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "New", "accountID": invID(w.accA.ID), "businessUnitID": invID(w.buB.ID)})
		}, "BAD_USER_INPUT", "businessUnitID"},
		{"stakeholder moved into another account's business unit", invUpdateStakeholder, func(w *invWorld) map[string]any {
			return upd(w.sA1.ID, map[string]any{"businessUnitID": invID(w.buB.ID)})
		}, "BAD_USER_INPUT", "businessUnitID"},

		// Influence edges.
		{"influence edge to self", invCreateInfluenceEdge, func(w *invWorld) map[string]any {
			return in(map[string]any{"fromID": invID(w.sA1.ID), "toID": invID(w.sA1.ID)})
		}, "BAD_USER_INPUT", "toID"},
		{"influence edge across accounts", invCreateInfluenceEdge, func(w *invWorld) map[string]any {
			return in(map[string]any{"fromID": invID(w.sA1.ID), "toID": invID(w.sB1.ID)})
		}, "BAD_USER_INPUT", "toID"},
		{"duplicate influence edge", invCreateInfluenceEdge, func(w *invWorld) map[string]any {
			return in(map[string]any{"fromID": invID(w.sA4.ID), "toID": invID(w.sA3.ID), "kind": "INFLUENCES"})
		}, "CONFLICT", "fromID,toID,kind"},

		// Ranges.
		{"rank 0", invCreateStakeholder, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "New", "accountID": invID(w.accA.ID), "rank": 0})
		}, "BAD_USER_INPUT", "rank"},
		{"rank 6", invCreateStakeholder, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "New", "accountID": invID(w.accA.ID), "rank": 6})
		}, "BAD_USER_INPUT", "rank"},
		{"rank 6 on update", invUpdateStakeholder, func(w *invWorld) map[string]any {
			return upd(w.sA3.ID, map[string]any{"rank": 6})
		}, "BAD_USER_INPUT", "rank"},
		{"influence 6", invCreateStakeholder, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "New", "accountID": invID(w.accA.ID), "influence": 6})
		}, "BAD_USER_INPUT", "influence"},
		{"influence 0 on update", invUpdateStakeholder, func(w *invWorld) map[string]any {
			return upd(w.sA3.ID, map[string]any{"influence": 0})
		}, "BAD_USER_INPUT", "influence"},
		{"strength 0", invCreateInfluenceEdge, func(w *invWorld) map[string]any {
			return in(map[string]any{"fromID": invID(w.sA1.ID), "toID": invID(w.sA2.ID), "strength": 0})
		}, "BAD_USER_INPUT", "strength"},
		{"strength 6", invCreateInfluenceEdge, func(w *invWorld) map[string]any {
			return in(map[string]any{"fromID": invID(w.sA1.ID), "toID": invID(w.sA2.ID), "strength": 6})
		}, "BAD_USER_INPUT", "strength"},
		{"strength 6 on update", invUpdateInfluenceEdge, func(w *invWorld) map[string]any {
			return upd(w.edgeA.ID, map[string]any{"strength": 6})
		}, "BAD_USER_INPUT", "strength"},

		// Periods.
		{"plan ending before it starts", invCreateAccountPlan, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "Backwards", "accountID": invID(w.accA.ID), "periodStart": day(2026, 6, 1), "periodEnd": day(2026, 5, 31)})
		}, "BAD_USER_INPUT", "periodEnd"},
		{"plan ending the day it starts", invCreateAccountPlan, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "Empty", "accountID": invID(w.accA.ID), "periodStart": day(2026, 6, 1), "periodEnd": day(2026, 6, 1)})
		}, "BAD_USER_INPUT", "periodEnd"},
		{"plan update moving only periodEnd before periodStart", invUpdateAccountPlan, func(w *invWorld) map[string]any {
			return upd(w.planA.ID, map[string]any{"periodEnd": day(2025, 12, 1)})
		}, "BAD_USER_INPUT", "periodEnd"},
		{"plan update moving only periodStart after periodEnd", invUpdateAccountPlan, func(w *invWorld) map[string]any {
			return upd(w.planA.ID, map[string]any{"periodStart": day(2027, 2, 1)})
		}, "BAD_USER_INPUT", "periodEnd"},
		{"revenue record ending before it starts", invCreateRevenueRecord, func(w *invWorld) map[string]any {
			return in(map[string]any{"accountID": invID(w.accA.ID), "periodStart": day(2027, 1, 1), "periodEnd": day(2026, 12, 31)})
		}, "BAD_USER_INPUT", "periodEnd"},
		{"revenue record update moving only periodEnd before periodStart", invUpdateRevenueRecord, func(w *invWorld) map[string]any {
			return upd(w.revenueA.ID, map[string]any{"periodEnd": day(2025, 6, 30)})
		}, "BAD_USER_INPUT", "periodEnd"},
		{"opportunity closed before it opened", invCreateOpportunity, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "Deal", "accountID": invID(w.accA.ID), "openedAt": day(2026, 3, 1), "closedAt": day(2026, 2, 1)})
		}, "BAD_USER_INPUT", "closedAt"},
		{"opportunity update closing before it opened", invUpdateOpportunity, func(w *invWorld) map[string]any {
			return upd(w.oppA.ID, map[string]any{"closedAt": day(2025, 12, 31)})
		}, "BAD_USER_INPUT", "closedAt"},

		// Money, Decimal and currency.
		{"negative annualRevenue", invCreateAccount, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "Neg", "annualRevenue": -1})
		}, "BAD_USER_INPUT", "annualRevenue"},
		{"negative amount", invCreateOpportunity, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "Deal", "accountID": invID(w.accA.ID), "amount": -100})
		}, "BAD_USER_INPUT", "amount"},
		{"negative potentialValue on update", invUpdateWhitespace, func(w *invWorld) map[string]any {
			return upd(w.cellA.ID, map[string]any{"potentialValue": -5})
		}, "BAD_USER_INPUT", "potentialValue"},
		{"Decimal abc", invCreateGoal, func(w *invWorld) map[string]any {
			return in(map[string]any{"title": "Grow", "planID": invID(w.planA.ID), "target": "abc"})
		}, "BAD_USER_INPUT", "target"},
		{"Decimal with 7 decimals", invCreateKPI, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "NPS", "objectiveID": invID(w.objA.ID), "target": "1.1234567"})
		}, "BAD_USER_INPUT", "target"},
		{"currency usd", invCreateAccount, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "Lower", "currency": "usd"})
		}, "BAD_USER_INPUT", "currency"},

		// Whitespace.
		{"whitespace cell in another account's business unit", invCreateWhitespace, func(w *invWorld) map[string]any {
			return in(map[string]any{"accountID": invID(w.accA.ID), "businessUnitID": invID(w.buB.ID), "productID": invID(w.product.ID)})
		}, "BAD_USER_INPUT", "businessUnitID"},
		{"duplicate whitespace cell", invCreateWhitespace, func(w *invWorld) map[string]any {
			return in(map[string]any{"accountID": invID(w.accA.ID), "businessUnitID": invID(w.buA.ID), "productID": invID(w.product.ID), "status": "IN_USE"})
		}, "CONFLICT", "accountID,businessUnitID,productID"},

		// Unique values.
		{"duplicate user email", invCreateUser, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "Ada Again", "email": "ada@example.com"})
		}, "CONFLICT", "email"},
		{"user email changed to another user's", invUpdateUser, func(w *invWorld) map[string]any {
			return upd(w.userB.ID, map[string]any{"email": "ada@example.com"})
		}, "CONFLICT", "email"},
		{"duplicate business unit name in an account", `mutation($in: CreateBusinessUnitInput!) { createBusinessUnit(input: $in) { id } }`, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "Retail", "accountID": invID(w.accA.ID)})
		}, "CONFLICT", "name,accountID"},

		// Action items.
		{"action item with two owners", invCreateActionItem, func(w *invWorld) map[string]any {
			return in(map[string]any{"title": "Call", "planID": invID(w.planA.ID), "ownerID": invID(w.userA.ID), "stakeholderOwnerID": invID(w.sA1.ID)})
		}, "BAD_USER_INPUT", "stakeholderOwnerID"},
		{"action item updated to two owners", invUpdateActionItem, func(w *invWorld) map[string]any {
			return upd(w.itemA.ID, map[string]any{"ownerID": invID(w.userB.ID), "stakeholderOwnerID": invID(w.sA1.ID)})
		}, "BAD_USER_INPUT", "stakeholderOwnerID"},
		{"action item under another plan's objective", invCreateActionItem, func(w *invWorld) map[string]any {
			return in(map[string]any{"title": "Call", "planID": invID(w.planA.ID), "objectiveID": invID(w.objB.ID)})
		}, "BAD_USER_INPUT", "objectiveID"},
		{"action item moved under another plan's objective", invUpdateActionItem, func(w *invWorld) map[string]any {
			return upd(w.itemA.ID, map[string]any{"objectiveID": invID(w.objB.ID)})
		}, "BAD_USER_INPUT", "objectiveID"},
		{"action item owned by another account's stakeholder", invCreateActionItem, func(w *invWorld) map[string]any {
			return in(map[string]any{"title": "Call", "planID": invID(w.planA.ID), "stakeholderOwnerID": invID(w.sB1.ID)})
		}, "BAD_USER_INPUT", "stakeholderOwnerID"},

		// Insights and feedback.
		{"insight owned by another account's stakeholder", invCreateInsight, func(w *invWorld) map[string]any {
			return in(map[string]any{"kind": "GOAL", "text": "Grow", "planID": invID(w.planA.ID), "stakeholderID": invID(w.sB1.ID)})
		}, "BAD_USER_INPUT", "stakeholderID"},
		{"insight updated to another account's stakeholder", invUpdateInsight, func(w *invWorld) map[string]any {
			return upd(w.insightA.ID, map[string]any{"stakeholderID": invID(w.sB1.ID)})
		}, "BAD_USER_INPUT", "stakeholderID"},
		{"feedback for another account's plan", invCreateFeedback, func(w *invWorld) map[string]any {
			return in(map[string]any{"kind": "AD_HOC", "accountID": invID(w.accA.ID), "planID": invID(w.planB.ID)})
		}, "BAD_USER_INPUT", "planID"},
		{"feedback updated to another account's plan", invUpdateFeedback, func(w *invWorld) map[string]any {
			return upd(w.feedbackA.ID, map[string]any{"planID": invID(w.planB.ID)})
		}, "BAD_USER_INPUT", "planID"},
		{"feedback from another account's stakeholder", invCreateFeedback, func(w *invWorld) map[string]any {
			return in(map[string]any{"kind": "AD_HOC", "accountID": invID(w.accA.ID), "stakeholderID": invID(w.sB1.ID)})
		}, "BAD_USER_INPUT", "stakeholderID"},
		{"opportunity under another account's plan", invCreateOpportunity, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "Deal", "accountID": invID(w.accA.ID), "planID": invID(w.planB.ID)})
		}, "BAD_USER_INPUT", "planID"},

		// The account hierarchy.
		{"account parent cycle (C under B, then B under C)", invUpdateAccount, func(w *invWorld) map[string]any {
			return upd(w.accB.ID, map[string]any{"parentID": invID(w.accC.ID)})
		}, "BAD_USER_INPUT", "parentID"},
		{"account its own parent", invUpdateAccount, func(w *invWorld) map[string]any {
			return upd(w.accA.ID, map[string]any{"parentID": invID(w.accA.ID)})
		}, "BAD_USER_INPUT", "parentID"},

		// References to missing objects and to objects of the wrong type.
		{"accountID of no object", invCreateStakeholder, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "New", "accountID": invID(w.accA.ID + 1000)})
		}, "NOT_FOUND", "accountID"},
		{"accountID naming a user", invCreateStakeholder, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "New", "accountID": invID(w.userA.ID)})
		}, "NOT_FOUND", "accountID"},
		{"accountID naming a table that does not exist", invCreateStakeholder, func(w *invWorld) map[string]any {
			return in(map[string]any{"name": "New", "accountID": "999999999999999"})
		}, "NOT_FOUND", "accountID"},
		{"reportsToID naming an account", invUpdateStakeholder, func(w *invWorld) map[string]any {
			return upd(w.sA4.ID, map[string]any{"reportsToID": invID(w.accA.ID)})
		}, "NOT_FOUND", "reportsToID"},
		{"ownerID of no user", invUpdateAccount, func(w *invWorld) map[string]any {
			return upd(w.accA.ID, map[string]any{"ownerID": invID(w.userB.ID + 1000)})
		}, "NOT_FOUND", "ownerID"},
		{"planID naming a goal", invCreateActionItem, func(w *invWorld) map[string]any {
			return in(map[string]any{"title": "Call", "planID": invID(w.goalA.ID)})
		}, "NOT_FOUND", "planID"},
		{"attendeeIDs naming a stakeholder", invCreateReview, func(w *invWorld) map[string]any {
			return in(map[string]any{"heldAt": day(2026, 3, 1), "planID": invID(w.planA.ID), "attendeeIDs": []string{invID(w.userA.ID), invID(w.sA1.ID)}})
		}, "NOT_FOUND", "attendeeIDs"},

		// Updates and deletes of unknown IDs.
		{"update of an unknown account", invUpdateAccount, func(w *invWorld) map[string]any {
			return upd(w.accA.ID+1000, map[string]any{"name": "Ghost"})
		}, "NOT_FOUND", "id"},
		{"update of a user's ID as an account", invUpdateAccount, func(w *invWorld) map[string]any {
			return upd(w.userA.ID, map[string]any{"name": "Ghost"})
		}, "NOT_FOUND", "id"},
		{"update of an unknown plan changing only periodEnd", invUpdateAccountPlan, func(w *invWorld) map[string]any {
			return upd(w.planB.ID+1000, map[string]any{"periodEnd": day(2027, 1, 1)})
		}, "NOT_FOUND", "id"},
		{"update of an unknown stakeholder's manager", invUpdateStakeholder, func(w *invWorld) map[string]any {
			return upd(w.sB1.ID+1000, map[string]any{"reportsToID": invID(w.sA1.ID)})
		}, "NOT_FOUND", "id"},
		{"delete of an unknown account", `mutation($id: ID!) { deleteAccount(id: $id) }`, func(w *invWorld) map[string]any {
			return map[string]any{"id": invID(w.accA.ID + 1000)}
		}, "NOT_FOUND", "id"},
		{"delete of an unknown stakeholder", `mutation($id: ID!) { deleteStakeholder(id: $id) }`, func(w *invWorld) map[string]any {
			return map[string]any{"id": invID(w.sB1.ID + 1000)}
		}, "NOT_FOUND", "id"},
		{"delete of a plan's ID as a goal", `mutation($id: ID!) { deleteGoal(id: $id) }`, func(w *invWorld) map[string]any {
			return map[string]any{"id": invID(w.planA.ID)}
		}, "NOT_FOUND", "id"},
	}
}

func TestInvariantRefusals(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		w := newInvWorld(t, e)
		for _, tc := range invRefusals() {
			invRun(t, e, tc.name, func(t *testing.T) {
				before := invSnapshot(t, e)
				code, field := invRefused(t, e, tc.query, tc.vars(w))
				if code != tc.code || field != tc.field {
					t.Errorf("got code %q field %q, want %q %q", code, field, tc.code, tc.field)
				}
				if after := invSnapshot(t, e); after != before {
					t.Errorf("a refused request changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
				}
			})
		}
		// The reporting line the cycle cases tried to change is intact.
		for _, s := range []struct {
			id      *ent.Stakeholder
			manager any
		}{{w.sA1, "Vic VP"}, {w.sA2, "Cleo CEO"}, {w.sA3, nil}, {w.sA4, nil}} {
			d := e.must(`query($id: ID!) { node(id: $id) { ... on Stakeholder { rank reportsTo { name } } } }`, map[string]any{"id": invID(s.id.ID)})
			if got := get(d, "node", "reportsTo", "name"); got != s.manager {
				t.Errorf("%s reports to %v, want %v", s.id.Name, got, s.manager)
			}
		}
	})
}

func TestInvariantAllowedEdgeCases(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		w := newInvWorld(t, e)
		// Influence edges may form cycles; the reporting line may move within the tree.
		e.must(invCreateInfluenceEdge, map[string]any{"in": map[string]any{"fromID": invID(w.sA3.ID), "toID": invID(w.sA4.ID), "strength": 5}})
		e.must(invUpdateStakeholder, map[string]any{"id": invID(w.sA1.ID), "in": map[string]any{"reportsToID": invID(w.sA3.ID), "rank": 1, "influence": 5}})
		// A stakeholder can manage a new report created in the same account.
		e.must(invCreateStakeholder, map[string]any{"in": map[string]any{"name": "New", "accountID": invID(w.accA.ID), "reportsToID": invID(w.sA1.ID), "businessUnitID": invID(w.buA.ID)}})
		// An account can move under an unrelated account.
		e.must(invUpdateAccount, map[string]any{"id": invID(w.accA.ID), "in": map[string]any{"parentID": invID(w.accC.ID)}})
		// An opportunity may close the moment it opens; amounts of 0 are fine.
		e.must(invCreateOpportunity, map[string]any{"in": map[string]any{"name": "Quick", "accountID": invID(w.accA.ID), "amount": 0,
			"openedAt": "2026-03-01T00:00:00Z", "closedAt": "2026-03-01T00:00:00Z", "stage": "CLOSED_LOST"}})
		// Moving periodEnd later alone is fine.
		e.must(invUpdateAccountPlan, map[string]any{"id": invID(w.planA.ID), "in": map[string]any{"periodEnd": "2027-03-31T00:00:00Z"}})
		// An owner switch from user to stakeholder drops the user.
		d := e.must(`mutation($id: ID!, $in: UpdateActionItemInput!) { updateActionItem(id: $id, input: $in) { owner { id } stakeholderOwner { id } } }`,
			map[string]any{"id": invID(w.itemA.ID), "in": map[string]any{"stakeholderOwnerID": invID(w.sA1.ID)}})
		if get(d, "updateActionItem", "owner") != nil || get(d, "updateActionItem", "stakeholderOwner", "id") != invID(w.sA1.ID) {
			t.Errorf("owner switch: got %v", d)
		}
	})
}

func TestInvariantActionItemCompletedAt(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		w := newInvWorld(t, e)
		const q = `mutation($id: ID!, $status: ActionItemStatus!) { updateActionItem(id: $id, input: {status: $status}) { status completedAt } }`
		vars := func(s string) map[string]any { return map[string]any{"id": invID(w.itemA.ID), "status": s} }

		before := time.Now().Add(-time.Second)
		d := e.must(q, vars("DONE"))
		done, err := time.Parse(time.RFC3339Nano, fmt.Sprint(get(d, "updateActionItem", "completedAt")))
		if err != nil || done.Before(before) || done.After(time.Now().Add(time.Second)) {
			t.Fatalf("DONE: completedAt %v (%v), want now", get(d, "updateActionItem", "completedAt"), err)
		}
		stored := invMust[*ent.ActionItem](t)(e.client.ActionItem.Get(context.Background(), w.itemA.ID))
		if stored.CompletedAt == nil || stored.Status != actionitem.StatusDONE {
			t.Fatalf("DONE not stored: %+v", stored)
		}

		// Saying DONE again keeps when it was done.
		d = e.must(q, vars("DONE"))
		if got := fmt.Sprint(get(d, "updateActionItem", "completedAt")); got != done.Format(time.RFC3339Nano) {
			t.Errorf("DONE again: completedAt %v, want %v", got, done.Format(time.RFC3339Nano))
		}

		d = e.must(q, vars("OPEN"))
		if got := get(d, "updateActionItem", "completedAt"); got != nil {
			t.Errorf("back to OPEN: completedAt %v, want null", got)
		}
		stored = invMust[*ent.ActionItem](t)(e.client.ActionItem.Get(context.Background(), w.itemA.ID))
		if stored.CompletedAt != nil {
			t.Errorf("back to OPEN: stored completedAt %v, want none", stored.CompletedAt)
		}

		// Created DONE, it is completed too; a given completedAt is kept.
		d = e.must(`mutation($plan: ID!) {
			a: createActionItem(input: {title: "Done already", planID: $plan, status: DONE}) { id completedAt }
			b: createActionItem(input: {title: "Done then", planID: $plan, status: DONE, completedAt: "2026-02-03T04:05:06Z"}) { completedAt }
			c: createActionItem(input: {title: "Open", planID: $plan}) { status completedAt } }`, map[string]any{"plan": invID(w.planA.ID)})
		if get(d, "a", "completedAt") == nil {
			t.Errorf("created DONE without completedAt")
		}
		// What the create answered is what is stored, to the microsecond.
		back := e.must(`query($id: ID!) { node(id: $id) { ... on ActionItem { completedAt } } }`, map[string]any{"id": get(d, "a", "id")})
		if got, want := get(back, "node", "completedAt"), get(d, "a", "completedAt"); got != want {
			t.Errorf("created DONE: completedAt answered %v, read back %v", want, got)
		}
		if got := get(d, "b", "completedAt"); got != "2026-02-03T04:05:06Z" {
			t.Errorf("given completedAt: got %v", got)
		}
		if get(d, "c", "status") != "OPEN" || get(d, "c", "completedAt") != nil {
			t.Errorf("created OPEN: got %v", get(d, "c"))
		}
	})
}

func TestInvariantOpportunityClosedAt(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		w := newInvWorld(t, e)
		const q = `mutation($id: ID!, $in: UpdateOpportunityInput!) { updateOpportunity(id: $id, input: $in) { stage closedAt } }`
		d := e.must(q, map[string]any{"id": invID(w.oppA.ID), "in": map[string]any{"stage": "NEGOTIATION"}})
		if get(d, "updateOpportunity", "closedAt") != nil {
			t.Fatalf("an open stage got closedAt: %v", d)
		}
		before := time.Now().Add(-time.Second)
		d = e.must(q, map[string]any{"id": invID(w.oppA.ID), "in": map[string]any{"stage": "CLOSED_WON"}})
		closed, err := time.Parse(time.RFC3339Nano, fmt.Sprint(get(d, "updateOpportunity", "closedAt")))
		if err != nil || closed.Before(before) || get(d, "updateOpportunity", "stage") != "CLOSED_WON" {
			t.Fatalf("CLOSED_WON: got %v (%v), want closedAt now", d, err)
		}
		stored := invMust[*ent.Opportunity](t)(e.client.Opportunity.Get(context.Background(), w.oppA.ID))
		if stored.ClosedAt == nil || !stored.ClosedAt.Equal(closed) {
			t.Errorf("stored closedAt %v, want %v", stored.ClosedAt, closed)
		}
		// Reopened, the deal loses its close date, so it no longer counts as won.
		d = e.must(q, map[string]any{"id": invID(w.oppA.ID), "in": map[string]any{"stage": "NEGOTIATION"}})
		if get(d, "updateOpportunity", "closedAt") != nil {
			t.Errorf("a reopened deal kept closedAt: %v", d)
		}
		// A deal created closed gets a closedAt that reads back the same.
		d = e.must(`mutation($in: CreateOpportunityInput!) { createOpportunity(input: $in) { id closedAt } }`, map[string]any{"in": map[string]any{
			"name": "Fast win", "accountID": invID(w.accA.ID), "stage": "CLOSED_WON", "openedAt": "2025-01-01T00:00:00Z"}})
		back := e.must(`query($id: ID!) { node(id: $id) { ... on Opportunity { closedAt } } }`, map[string]any{"id": get(d, "createOpportunity", "id")})
		if got, want := get(back, "node", "closedAt"), get(d, "createOpportunity", "closedAt"); want == nil || got != want {
			t.Errorf("created CLOSED_WON: closedAt answered %v, read back %v", want, got)
		}
		// A deal created closed with its date keeps that date.
		d = e.must(`mutation($in: CreateOpportunityInput!) { createOpportunity(input: $in) { closedAt } }`, map[string]any{"in": map[string]any{
			"name": "Old win", "accountID": invID(w.accA.ID), "stage": "CLOSED_WON", "openedAt": "2025-01-01T00:00:00Z", "closedAt": "2025-03-01T00:00:00Z"}})
		if got := get(d, "createOpportunity", "closedAt"); got != "2025-03-01T00:00:00Z" {
			t.Errorf("given closedAt: got %v", got)
		}
	})
}

func TestInvariantKPICurrentValue(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		w := newInvWorld(t, e)
		const measure = `mutation($kpi: ID!, $v: Decimal!, $at: Time!) { createKPIMeasurement(input: {kpiID: $kpi, value: $v, measuredAt: $at}) { id kpi { currentValue } } }`
		current := func() any {
			return get(e.must(`query($id: ID!) { node(id: $id) { ... on KPI { currentValue } } }`, map[string]any{"id": invID(w.kpiA.ID)}), "node", "currentValue")
		}
		if got := current(); got != nil {
			t.Fatalf("a KPI without measurements has currentValue %v", got)
		}
		steps := []struct {
			value, at, want string
		}{
			{"10", "2026-02-01T00:00:00Z", "10"},
			{"12.5", "2026-03-01T00:00:00Z", "12.5"},   // newer: becomes current
			{"7", "2026-01-01T00:00:00Z", "12.5"},      // older: history only
			{"-3.25", "2026-04-01T00:00:00Z", "-3.25"}, // newer again
		}
		for _, s := range steps {
			d := e.must(measure, map[string]any{"kpi": invID(w.kpiA.ID), "v": s.value, "at": s.at})
			if got := get(d, "createKPIMeasurement", "kpi", "currentValue"); got != s.want {
				t.Errorf("after measuring %s at %s: response currentValue %v, want %s", s.value, s.at, got, s.want)
			}
			if got := current(); got != s.want {
				t.Errorf("after measuring %s at %s: currentValue %v, want %s", s.value, s.at, got, s.want)
			}
		}
		// Several measurements in one request: the newest wins, whatever the order.
		d := e.must(`mutation($kpi: ID!) {
			a: createKPIMeasurement(input: {kpiID: $kpi, value: "99", measuredAt: "2026-06-01T00:00:00Z"}) { id }
			b: createKPIMeasurement(input: {kpiID: $kpi, value: "98", measuredAt: "2026-05-01T00:00:00Z"}) { kpi { currentValue } } }`,
			map[string]any{"kpi": invID(w.kpiA.ID)})
		if got := get(d, "b", "kpi", "currentValue"); got != "99" {
			t.Errorf("two measurements: currentValue %v, want 99", got)
		}
	})
}

// TestInvariantTimesStoredInUTC: a time sent with an offset and nanoseconds is
// stored in UTC at microsecond precision, so the answer to create, a read and
// a filter agree on both databases.
func TestInvariantTimesStoredInUTC(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		w := newInvWorld(t, e)
		d := e.must(`mutation($in: CreateOpportunityInput!) { createOpportunity(input: $in) { id openedAt } }`, map[string]any{"in": map[string]any{
			"name": "Offset deal", "accountID": invID(w.accA.ID), "openedAt": "2025-01-01T01:30:00.123456789+02:00"}})
		const want = "2024-12-31T23:30:00.123456Z"
		if got := get(d, "createOpportunity", "openedAt"); got != want {
			t.Errorf("create answered openedAt %v, want %v", got, want)
		}
		back := e.must(`query($id: ID!) { node(id: $id) { ... on Opportunity { openedAt } } }`, map[string]any{"id": get(d, "createOpportunity", "id")})
		if got := get(back, "node", "openedAt"); got != want {
			t.Errorf("read back openedAt %v, want %v", got, want)
		}
		// Filtered with a UTC bound, the deal opened on the last day of 2024 is not in 2025.
		f := e.must(`{ opportunities(first: 10, where: {name: "Offset deal", openedAtGTE: "2025-01-01T00:00:00Z"}) { totalCount } }`, nil)
		if got := get(f, "opportunities", "totalCount"); got != float64(0) {
			t.Errorf("a filter from 2025-01-01 UTC matched %v deals, want 0", got)
		}
	})
}
