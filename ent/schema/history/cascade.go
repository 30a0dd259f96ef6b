package history

import (
	"context"
	"fmt"
	"reflect"

	"entgo.io/ent/dialect/sql"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/review"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/user"
)

// child is a column of another type's table that points at a record: the
// database deletes the child with the record (clear empty) or empties the
// column (clear names the update's method that does so).
type child struct {
	typ, column, clear string
}

// cascades are, per type, the children the database deletes or detaches
// when a record of the type is deleted (ON DELETE CASCADE or SET NULL).
// Record deletes and detaches them first, through the client, so that each
// is recorded and the history can rebuild the state before the delete.
// TestCascadesMatchTheDatabase keeps the table true to the schema.
var cascades = map[string][]child{
	gen.TypeStakeholder: {
		{gen.TypeInfluenceEdge, "stakeholder_influence_out", ""},
		{gen.TypeInfluenceEdge, "stakeholder_influence_in", ""},
		{gen.TypeRelationship, "stakeholder_relationships", ""},
		{gen.TypeActionItem, "stakeholder_action_items", "ClearStakeholderOwner"},
		{gen.TypeInsight, "stakeholder_insights", "ClearStakeholder"},
		{gen.TypeFeedback, "stakeholder_feedback", "ClearStakeholder"},
	},
	gen.TypeAccountPlan: {
		{gen.TypeGoal, "account_plan_goals", ""},
		{gen.TypeActionItem, "account_plan_action_items", ""},
		{gen.TypeInsight, "account_plan_insights", ""},
		{gen.TypeSwotItem, "account_plan_swot_items", ""},
		{gen.TypeReview, "account_plan_reviews", ""},
		{gen.TypeFeedback, "account_plan_feedback", "ClearPlan"},
		{gen.TypeOpportunity, "account_plan_opportunities", "ClearPlan"},
	},
	gen.TypeGoal:      {{gen.TypeObjective, "goal_objectives", ""}},
	gen.TypeObjective: {{gen.TypeKPI, "objective_kpis", ""}, {gen.TypeActionItem, "objective_action_items", ""}},
	gen.TypeKPI:       {{gen.TypeKPIMeasurement, "kpi_measurements", ""}},
	gen.TypeUser: {
		{gen.TypeRelationship, "user_relationships", ""},
		{gen.TypeActionItem, "user_action_items", "ClearOwner"},
		{gen.TypeObjective, "user_owned_objectives", "ClearOwner"},
		{gen.TypeAccountPlan, "user_owned_plans", "ClearOwner"},
	},
}

// cascade deletes or detaches, through the client, the children of the
// records of the type that the database would delete or detach with them.
func cascade(ctx context.Context, client *gen.Client, typ string, ids []int) error {
	if len(ids) == 0 {
		return nil
	}
	values := make([]any, len(ids))
	for i, id := range ids {
		values[i] = id
	}
	for _, c := range cascades[typ] {
		of := reflect.ValueOf(client).Elem().FieldByName(c.typ)
		if !of.IsValid() {
			return fmt.Errorf("history: the client has no type %s", c.typ)
		}
		method := "Delete"
		if c.clear != "" {
			method = "Update"
		}
		q := of.MethodByName(method).Call(nil)[0]
		where := q.MethodByName("Where")
		// Every type's predicate is a func(*sql.Selector) of its own named type.
		p := reflect.ValueOf(sql.FieldIn(c.column, values...)).Convert(where.Type().In(0).Elem())
		q = where.Call([]reflect.Value{p})[0]
		if c.clear != "" {
			q = q.MethodByName(c.clear).Call(nil)[0]
		}
		res := q.MethodByName("Exec").Call([]reflect.Value{reflect.ValueOf(ctx)})
		if err, _ := res[len(res)-1].Interface().(error); err != nil {
			return err
		}
	}
	return leaveReviews(ctx, client, typ, ids)
}

// leaveReviews takes deleted users and stakeholders off the reviews they
// attended, through the client, before the database drops their rows in the
// attendee tables: each review records the attendees it lost, so that a review
// as it was (planAsOf, the tier table's rules then) keeps them.
func leaveReviews(ctx context.Context, client *gen.Client, typ string, ids []int) error {
	switch typ {
	case gen.TypeUser:
		return client.Review.Update().Where(review.HasAttendeesWith(user.IDIn(ids...))).RemoveAttendeeIDs(ids...).Exec(ctx)
	case gen.TypeStakeholder:
		return client.Review.Update().Where(review.HasCustomerAttendeesWith(stakeholder.IDIn(ids...))).RemoveCustomerAttendeeIDs(ids...).Exec(ctx)
	}
	return nil
}
