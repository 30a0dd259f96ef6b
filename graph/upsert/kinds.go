package upsert

import (
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/accountplan/accountplan/ent/schema/clienterr"

	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/feedback"
	"github.com/accountplan/accountplan/ent/influenceedge"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/relationship"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// The inputs of the upsert mutations, one per type. A struct tag says what
// each field is: `ent:"column"` a field (left out when nil), `ref:"Type,
// edge_field[,fixed][,id]"` a natural key of another record (a User by
// e-mail, every other type by external ID, or by our ID with `id`; the edge
// field by its column, as ent's mutations name it), `upsert:"key"` the row's
// external ID and `upsert:"source"` its source time.

// AccountInput is one account to upsert.
type AccountInput struct {
	ExternalID      string            `json:"externalID" upsert:"key"`
	Name            string            `json:"name" ent:"name"`
	Tier            *account.Tier     `json:"tier" ent:"tier"`
	Industry        *string           `json:"industry" ent:"industry"`
	Sellers         *int              `json:"sellers" ent:"sellers"`
	Region          *string           `json:"region" ent:"region"`
	Country         *string           `json:"country" ent:"country"`
	Maturity        *account.Maturity `json:"maturity" ent:"maturity"`
	Culture         *account.Culture  `json:"culture" ent:"culture"`
	AnnualRevenue   *int64            `json:"annualRevenue" ent:"annual_revenue"`
	OwnerEmail      *string           `json:"ownerEmail" ref:"User,user_owned_accounts"`
	SourceUpdatedAt *time.Time        `json:"sourceUpdatedAt" upsert:"source"`
}

// StakeholderInput is one stakeholder to upsert.
type StakeholderInput struct {
	ExternalID          string                           `json:"externalID" upsert:"key"`
	AccountExternalID   string                           `json:"accountExternalID" ref:"Account,account_stakeholders,fixed"`
	Name                string                           `json:"name" ent:"name"`
	Title               *string                          `json:"title" ent:"title"`
	Department          *string                          `json:"department" ent:"department"`
	Email               *string                          `json:"email" ent:"email"`
	Rank                *int                             `json:"rank" ent:"rank"`
	Influence           *int                             `json:"influence" ent:"influence"`
	PoliticalStatus     *stakeholder.PoliticalStatus     `json:"politicalStatus" ent:"political_status"`
	Support             *stakeholder.Support             `json:"support" ent:"support"`
	DecisionOrientation *stakeholder.DecisionOrientation `json:"decisionOrientation" ent:"decision_orientation"`
	Adaptability        *stakeholder.Adaptability        `json:"adaptability" ent:"adaptability"`
	BuyingRole          *stakeholder.BuyingRole          `json:"buyingRole" ent:"buying_role"`
	Coverage            *stakeholder.Coverage            `json:"coverage" ent:"coverage"`
	Motivators          *string                          `json:"motivators" ent:"motivators"`
	InfluenceDrivers    *string                          `json:"influenceDrivers" ent:"influence_drivers"`
	Notes               *string                          `json:"notes" ent:"notes"`
	ReportsToExternalID *string                          `json:"reportsToExternalID" ref:"Stakeholder,stakeholder_direct_reports"`
	SourceUpdatedAt     *time.Time                       `json:"sourceUpdatedAt" upsert:"source"`
}

// InfluenceEdgeInput is one influence edge to upsert.
type InfluenceEdgeInput struct {
	ExternalID      string              `json:"externalID" upsert:"key"`
	FromExternalID  string              `json:"fromExternalID" ref:"Stakeholder,stakeholder_influence_out,fixed"`
	ToExternalID    string              `json:"toExternalID" ref:"Stakeholder,stakeholder_influence_in,fixed"`
	Kind            *influenceedge.Kind `json:"kind" ent:"kind"`
	Strength        *int                `json:"strength" ent:"strength"`
	Note            *string             `json:"note" ent:"note"`
	SourceUpdatedAt *time.Time          `json:"sourceUpdatedAt" upsert:"source"`
}

// OpportunityInput is one opportunity to upsert.
type OpportunityInput struct {
	ExternalID        string             `json:"externalID" upsert:"key"`
	AccountExternalID string             `json:"accountExternalID" ref:"Account,account_opportunities,fixed"`
	Name              string             `json:"name" ent:"name"`
	Amount            *int64             `json:"amount" ent:"amount"`
	Currency          *string            `json:"currency" ent:"currency"`
	Stage             *opportunity.Stage `json:"stage" ent:"stage"`
	OpenedAt          *time.Time         `json:"openedAt" ent:"opened_at"`
	ClosedAt          *time.Time         `json:"closedAt" ent:"closed_at"`
	SourceUpdatedAt   *time.Time         `json:"sourceUpdatedAt" upsert:"source"`
}

// ProductInput is one product to upsert.
type ProductInput struct {
	ExternalID      string     `json:"externalID" upsert:"key"`
	Name            string     `json:"name" ent:"name"`
	Family          *string    `json:"family" ent:"family"`
	Description     *string    `json:"description" ent:"description"`
	SourceUpdatedAt *time.Time `json:"sourceUpdatedAt" upsert:"source"`
}

// RevenueRecordInput is one revenue record to upsert.
type RevenueRecordInput struct {
	ExternalID        string     `json:"externalID" upsert:"key"`
	AccountExternalID string     `json:"accountExternalID" ref:"Account,account_revenue_records,fixed"`
	PeriodStart       time.Time  `json:"periodStart" ent:"period_start"`
	PeriodEnd         time.Time  `json:"periodEnd" ent:"period_end"`
	StartingRevenue   *int64     `json:"startingRevenue" ent:"starting_revenue"`
	Expansion         *int64     `json:"expansion" ent:"expansion"`
	Contraction       *int64     `json:"contraction" ent:"contraction"`
	Churn             *int64     `json:"churn" ent:"churn"`
	Currency          *string    `json:"currency" ent:"currency"`
	SourceUpdatedAt   *time.Time `json:"sourceUpdatedAt" upsert:"source"`
}

// RelationshipInput is one relationship to upsert.
type RelationshipInput struct {
	ExternalID            string                     `json:"externalID" upsert:"key"`
	StakeholderExternalID string                     `json:"stakeholderExternalID" ref:"Stakeholder,stakeholder_relationships,fixed"`
	UserEmail             string                     `json:"userEmail" ref:"User,user_relationships,fixed"`
	CurrentLevel          *relationship.CurrentLevel `json:"currentLevel" ent:"current_level"`
	DesiredLevel          *relationship.DesiredLevel `json:"desiredLevel" ent:"desired_level"`
	LastContactAt         *time.Time                 `json:"lastContactAt" ent:"last_contact_at"`
	Note                  *string                    `json:"note" ent:"note"`
	SourceUpdatedAt       *time.Time                 `json:"sourceUpdatedAt" upsert:"source"`
}

// BusinessUnitInput is one business unit to upsert.
type BusinessUnitInput struct {
	ExternalID        string     `json:"externalID" upsert:"key"`
	AccountExternalID string     `json:"accountExternalID" ref:"Account,account_business_units,fixed"`
	Name              string     `json:"name" ent:"name"`
	Description       *string    `json:"description" ent:"description"`
	SourceUpdatedAt   *time.Time `json:"sourceUpdatedAt" upsert:"source"`
}

// FeedbackInput is one piece of feedback to upsert.
type FeedbackInput struct {
	ExternalID            string        `json:"externalID" upsert:"key"`
	AccountExternalID     string        `json:"accountExternalID" ref:"Account,account_feedback,fixed"`
	StakeholderExternalID *string       `json:"stakeholderExternalID" ref:"Stakeholder,stakeholder_feedback"`
	Kind                  feedback.Kind `json:"kind" ent:"kind"`
	Score                 *int          `json:"score" ent:"score"`
	Text                  *string       `json:"text" ent:"text"`
	ReceivedAt            *time.Time    `json:"receivedAt" ent:"received_at"`
	SourceUpdatedAt       *time.Time    `json:"sourceUpdatedAt" upsert:"source"`
}

// AccountPlanInput is one account plan to upsert.
type AccountPlanInput struct {
	ExternalID        string                     `json:"externalID" upsert:"key"`
	AccountExternalID string                     `json:"accountExternalID" ref:"Account,account_plans,fixed"`
	Name              string                     `json:"name" ent:"name"`
	Type              *accountplan.Type          `json:"type" ent:"type"`
	Status            *accountplan.Status        `json:"status" ent:"status"`
	PeriodStart       time.Time                  `json:"periodStart" ent:"period_start"`
	PeriodEnd         time.Time                  `json:"periodEnd" ent:"period_end"`
	ReviewCadence     *accountplan.ReviewCadence `json:"reviewCadence" ent:"review_cadence"`
	CustomerGoals     *string                    `json:"customerGoals" ent:"customer_goals"`
	Challenges        *string                    `json:"challenges" ent:"challenges"`
	KeyInitiatives    *string                    `json:"keyInitiatives" ent:"key_initiatives"`
	Competitors       *string                    `json:"competitors" ent:"competitors"`
	TeamStructure     *string                    `json:"teamStructure" ent:"team_structure"`
	OwnerEmail        *string                    `json:"ownerEmail" ref:"User,user_owned_plans"`
	SourceUpdatedAt   *time.Time                 `json:"sourceUpdatedAt" upsert:"source"`
}

// ActionItemInput is one action item to upsert.
type ActionItemInput struct {
	ExternalID                 string             `json:"externalID" upsert:"key"`
	PlanExternalID             *string            `json:"planExternalID" ref:"AccountPlan,account_plan_action_items,fixed"`
	PlanID                     *int               `json:"planID" ref:"AccountPlan,account_plan_action_items,fixed,id"`
	Title                      string             `json:"title" ent:"title"`
	Description                *string            `json:"description" ent:"description"`
	Status                     *actionitem.Status `json:"status" ent:"status"`
	DueAt                      *time.Time         `json:"dueAt" ent:"due_at"`
	CompletedAt                *time.Time         `json:"completedAt" ent:"completed_at"`
	OwnerEmail                 *string            `json:"ownerEmail" ref:"User,user_action_items"`
	StakeholderOwnerExternalID *string            `json:"stakeholderOwnerExternalID" ref:"Stakeholder,stakeholder_action_items"`
	ObjectiveID                *int               `json:"objectiveID" ref:"Objective,objective_action_items,,id"`
	ReviewID                   *int               `json:"reviewID" ref:"Review,review_action_items,,id"`
	SourceUpdatedAt            *time.Time         `json:"sourceUpdatedAt" upsert:"source"`
}

// check refuses a row naming no plan or two, or two owners.
func (in *ActionItemInput) check() error {
	switch {
	case (in.PlanExternalID == nil) == (in.PlanID == nil):
		return &clienterr.InputError{Field: "planExternalID", Message: "name the action item's plan by planExternalID or by planID, one of them"}
	case in.OwnerEmail != nil && in.StakeholderOwnerExternalID != nil:
		return &clienterr.InputError{Field: "stakeholderOwnerExternalID", Message: "an action item has one owner: give ownerEmail or stakeholderOwnerExternalID, not both"}
	}
	return nil
}

// Rows turns inputs into rows by their struct tags; an input with a check
// method refuses the rows it finds wrong on their own.
func Rows[T any](inputs []*T) []Row {
	rows := make([]Row, len(inputs))
	for i, in := range inputs {
		rows[i] = row(reflect.ValueOf(in).Elem())
		if c, ok := any(in).(interface{ check() error }); ok {
			rows[i].Invalid = c.check()
		}
	}
	return rows
}

func row(v reflect.Value) Row {
	r := Row{Fields: map[string]any{}}
	for i := range v.NumField() {
		f, tag := v.Field(i), v.Type().Field(i).Tag
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				continue
			}
			f = f.Elem()
		}
		switch {
		case tag.Get("upsert") == "key":
			r.ExternalID = f.String()
		case tag.Get("upsert") == "source":
			t := f.Interface().(time.Time)
			r.Source = &t
		case tag.Get("ent") != "":
			val := f.Interface()
			// As stored: the history and the comparison see what the database keeps.
			if t, ok := val.(time.Time); ok {
				val = t.UTC().Truncate(time.Microsecond)
			}
			r.Fields[tag.Get("ent")] = val
		case tag.Get("ref") != "":
			parts := append(strings.Split(tag.Get("ref"), ","), "", "")
			input, _, _ := strings.Cut(tag.Get("json"), ",")
			ref := Ref{Input: input, Type: parts[0], Field: parts[1], Fixed: parts[2] == "fixed"}
			if parts[3] == "id" {
				ref.ID, ref.Key = int(f.Int()), strconv.FormatInt(f.Int(), 10)
			} else {
				ref.Key = f.String()
			}
			r.Refs = append(r.Refs, ref)
		}
	}
	return r
}
