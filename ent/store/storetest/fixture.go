package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"entgo.io/ent/dialect/sql"
	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/accountteammember"
	"github.com/accountplan/accountplan/ent/feedback"
	"github.com/accountplan/accountplan/ent/insight"
	"github.com/accountplan/accountplan/ent/swotitem"
	"github.com/accountplan/accountplan/ent/user"
)

// Tree is an account with one record of every type that belongs to an
// account (two stakeholders, joined by the influence edge), written by the
// server, and the user and product they name.
type Tree struct {
	// IDs holds the ID of the record of each type under the account, the
	// account included, by type name (ent.TypeGoal).
	IDs map[string]int
	// Account, Stakeholder and Other (the second stakeholder) are the IDs most tests read.
	Account, Stakeholder, Other int
	// User is on the account's team and has the relationship; Product is the whitespace cell's.
	User, Product int
}

// NewTree writes a Tree; name tells it apart from others, and names its
// user's e-mail address and its product.
func NewTree(t *testing.T, client *ent.Client, name string) Tree {
	t.Helper()
	ctx := context.Background()
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	u := client.User.Create().SetName(name + " user").SetEmail(name + "@example.com").SetRole(user.RoleEDITOR).SaveX(ctx)
	p := client.Product.Create().SetName(name + " product").SaveX(ctx)
	acc := client.Account.Create().SetName(name).SaveX(ctx)
	plan := client.AccountPlan.Create().SetName(name + " plan").SetAccountID(acc.ID).SetPeriodStart(day).SetPeriodEnd(day.AddDate(1, 0, 0)).SaveX(ctx)
	unit := client.BusinessUnit.Create().SetName(name + " unit").SetAccountID(acc.ID).SaveX(ctx)
	person := client.Stakeholder.Create().SetName(name + " stakeholder").SetAccountID(acc.ID).SaveX(ctx)
	other := client.Stakeholder.Create().SetName(name + " other").SetAccountID(acc.ID).SaveX(ctx)
	goal := client.Goal.Create().SetTitle(name + " goal").SetPlanID(plan.ID).SaveX(ctx)
	obj := client.Objective.Create().SetTitle(name + " objective").SetGoalID(goal.ID).SaveX(ctx)
	kpi := client.KPI.Create().SetName(name + " kpi").SetObjectiveID(obj.ID).SaveX(ctx)
	ids := map[string]int{
		ent.TypeAccount:      acc.ID,
		ent.TypeAccountPlan:  plan.ID,
		ent.TypeBusinessUnit: unit.ID,
		ent.TypeStakeholder:  person.ID,
		ent.TypeGoal:         goal.ID,
		ent.TypeObjective:    obj.ID,
		ent.TypeKPI:          kpi.ID,
		ent.TypeAccountTeamMember: client.AccountTeamMember.Create().SetAccountID(acc.ID).SetUserID(u.ID).
			SetRole(accountteammember.RoleACCOUNT_MANAGER).SaveX(ctx).ID,
		ent.TypeFeedback:       client.Feedback.Create().SetAccountID(acc.ID).SetKind(feedback.KindAD_HOC).SaveX(ctx).ID,
		ent.TypeOpportunity:    client.Opportunity.Create().SetName(name + " deal").SetAccountID(acc.ID).SetAmount(100).SaveX(ctx).ID,
		ent.TypeRevenueRecord:  client.RevenueRecord.Create().SetAccountID(acc.ID).SetPeriodStart(day).SetPeriodEnd(day.AddDate(0, 3, 0)).SaveX(ctx).ID,
		ent.TypeWhitespaceCell: client.WhitespaceCell.Create().SetAccountID(acc.ID).SetBusinessUnitID(unit.ID).SetProductID(p.ID).SaveX(ctx).ID,
		ent.TypeActionItem:     client.ActionItem.Create().SetTitle(name + " action").SetPlanID(plan.ID).SaveX(ctx).ID,
		ent.TypeInsight:        client.Insight.Create().SetKind(insight.KindGOAL).SetText(name + " insight").SetPlanID(plan.ID).SaveX(ctx).ID,
		ent.TypeReview:         client.Review.Create().SetHeldAt(day).SetPlanID(plan.ID).SaveX(ctx).ID,
		ent.TypeSwotItem:       client.SwotItem.Create().SetKind(swotitem.KindSTRENGTH).SetText(name + " strength").SetPlanID(plan.ID).SaveX(ctx).ID,
		ent.TypeKPIMeasurement: client.KPIMeasurement.Create().SetValue("1").SetKpiID(kpi.ID).SaveX(ctx).ID,
		ent.TypeInfluenceEdge:  client.InfluenceEdge.Create().SetFromID(person.ID).SetToID(other.ID).SaveX(ctx).ID,
		ent.TypeRelationship:   client.Relationship.Create().SetUserID(u.ID).SetStakeholderID(person.ID).SaveX(ctx).ID,
	}
	return Tree{IDs: ids, Account: acc.ID, Stakeholder: person.ID, Other: other.ID, User: u.ID, Product: p.ID}
}

// Write runs client.<typ>.UpdateOneID(id) or DeleteOneID(id), or the bulk
// Update() or Delete() of the records with the ids.
func Write(ctx context.Context, client *ent.Client, typ, method string, ids ...int) error {
	c := reflect.ValueOf(client).Elem().FieldByName(typ)
	var b reflect.Value
	switch method {
	case "UpdateOneID", "DeleteOneID":
		b = c.MethodByName(method).Call([]reflect.Value{reflect.ValueOf(ids[0])})[0]
	default:
		b = c.MethodByName(method).Call(nil)[0]
		where := b.MethodByName("Where")
		values := make([]any, len(ids))
		for i, id := range ids {
			values[i] = id
		}
		// Every type's predicate is a func(*sql.Selector) of its own named type.
		p := reflect.ValueOf(sql.FieldIn("id", values...)).Convert(where.Type().In(0).Elem())
		b = where.Call([]reflect.Value{p})[0]
	}
	res := b.MethodByName("Exec").Call([]reflect.Value{reflect.ValueOf(ctx)})
	err, _ := res[len(res)-1].Interface().(error)
	return err
}
