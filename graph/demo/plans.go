package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/feedback"
	"github.com/accountplan/accountplan/ent/insight"
	"github.com/accountplan/accountplan/ent/objective"
	"github.com/accountplan/accountplan/ent/swotitem"
)

// planSpec is an account plan and its research. An ACTIVE plan covers the two
// quarters before the current one, the current one and the next; an ARCHIVED
// plan the year before that.
type planSpec struct {
	account, name, kind, status, cadence string
	contact                              string    // the stakeholder who owns the mutual action plan items
	overview                             [5]string // customer goals, challenges, key initiatives, competitors, team structure
	goals                                []goalSpec
	insights                             []insightSpec
	swot                                 [][2]string // kind, text
	feedback                             []feedbackSpec
}

// goalSpec is a goal, due monthsEarly months before the end of the plan; its
// objectives come from the playbook entry it names (none for an empty name).
type goalSpec struct {
	playbook, title, metric, baseline, target, unit string
	monthsEarly                                     int
}

type insightSpec struct {
	kind, text string
	confirmed  bool
	owner      string // a stakeholder
}

type feedbackSpec struct {
	kind     string
	score    int
	text     string
	from     string // a stakeholder
	received int    // days ago
}

// objectiveSpec is an objective with its KPI and action items. Owners are
// account team roles; CUSTOMER is the plan's contact. Days count from today.
type objectiveSpec struct {
	title, owner, status string
	due                  int
	kpi                  kpiSpec
	actions              []actionSpec
}

// kpiSpec is a KPI and its history, measured monthly, the oldest value first.
type kpiSpec struct {
	name, unit, target string
	history            []string
}

type actionSpec struct {
	title, owner, status string
	due                  int
}

// playbook holds the objectives the goals of a kind break into.
var playbook = map[string][]objectiveSpec{
	"revenue": {
		{"Close the Forecast Studio expansion in the largest unit", "ACCOUNT_MANAGER", "IN_PROGRESS", 75,
			kpiSpec{"Expansion pipeline", "USD", "400000", []string{"120000", "180000", "240000", "310000", "350000"}},
			[]actionSpec{
				{"Run the value assessment workshop with sales leadership", "SALES_ENGINEER", "DONE", -40},
				{"Send the commercial proposal", "ACCOUNT_MANAGER", "IN_PROGRESS", -5},
				{"Confirm the budget owner and the signature path", "CUSTOMER", "OPEN", 14},
			}},
		{"Build the business case for a second business unit", "ACCOUNT_MANAGER", "NOT_STARTED", 150,
			kpiSpec{"Qualified opportunities", "deals", "3", []string{"0", "1", "1", "2"}},
			[]actionSpec{
				{"Map the second unit's sales leadership", "ACCOUNT_MANAGER", "OPEN", 20},
				{"Share a reference story from a peer customer", "CUSTOMER_SUCCESS", "DONE", -12},
			}},
	},
	"adoption": {
		{"Raise weekly active sellers in every unit", "CUSTOMER_SUCCESS", "IN_PROGRESS", 60,
			kpiSpec{"Weekly active sellers", "%", "85", []string{"58", "63.5", "67", "71.5", "74", "78.5"}},
			[]actionSpec{
				{"Launch the manager coaching programme", "CUSTOMER_SUCCESS", "DONE", -30},
				{"Publish the adoption dashboard to sales leadership", "SALES_ENGINEER", "BLOCKED", -3},
				{"Nominate an adoption champion per region", "CUSTOMER", "OPEN", 10},
			}},
		{"Sync the CRM activity data", "SALES_ENGINEER", "ACHIEVED", -20,
			kpiSpec{"Activity records synced", "%", "95", []string{"40", "72", "88", "96"}},
			[]actionSpec{{"Deploy Data Connect to production", "SALES_ENGINEER", "DONE", -25}}},
	},
	"renewal": {
		{"Secure an early three-year renewal", "ACCOUNT_MANAGER", "IN_PROGRESS", 120,
			kpiSpec{"Renewal risk score", "points", "2", []string{"6", "5", "5", "4", "3"}},
			[]actionSpec{
				{"Present the renewal options to procurement", "ACCOUNT_MANAGER", "OPEN", 21},
				{"Complete the vendor security review", "CUSTOMER", "DONE", -18},
				{"Agree the executive business review agenda", "EXECUTIVE_SPONSOR", "OPEN", -9},
			}},
		{"Resolve the open support escalations", "CUSTOMER_SUCCESS", "ACHIEVED", -10,
			kpiSpec{"Open escalations", "tickets", "0", []string{"7", "5", "3", "1", "0"}},
			[]actionSpec{{"Hold a weekly escalation call with support engineering", "CUSTOMER_SUCCESS", "DONE", -14}}},
	},
	"displace": {
		{"Win the technical evaluation against the incumbent", "SALES_ENGINEER", "IN_PROGRESS", 45,
			kpiSpec{"Evaluation criteria met", "%", "100", []string{"35", "50", "65", "80"}},
			[]actionSpec{
				{"Run the proof of concept with the sales operations team", "SALES_ENGINEER", "IN_PROGRESS", 12},
				{"Provide a sandbox with a copy of the pipeline data", "CUSTOMER", "OPEN", -7},
			}},
		{"Build a champion in the competitor's business unit", "ACCOUNT_MANAGER", "DEFERRED", 100,
			kpiSpec{"Stakeholders covered", "people", "6", []string{"1", "2", "2", "3"}},
			[]actionSpec{
				{"Introductory meeting with the unit's sales director", "ACCOUNT_MANAGER", "CANCELED", -45},
				{"Invite the unit's leaders to the customer advisory board", "EXECUTIVE_SPONSOR", "OPEN", 35},
			}},
	},
	"executive": {
		{"Hold a quarterly executive sponsor meeting", "EXECUTIVE_SPONSOR", "IN_PROGRESS", 30,
			kpiSpec{"Executive meetings held", "meetings", "4", []string{"0", "1", "1", "2"}},
			[]actionSpec{
				{"Host an executive dinner with the CEO and the sales leader", "EXECUTIVE_SPONSOR", "DONE", -50},
				{"Send the executive briefing before the business review", "ACCOUNT_MANAGER", "OPEN", 6},
			}},
		{"Cover every decision maker with a relationship", "ACCOUNT_MANAGER", "NOT_STARTED", 90,
			kpiSpec{"Decision makers covered", "%", "100", []string{"25", "40", "50", "60"}},
			[]actionSpec{{"Ask our mentor for an introduction to the finance leadership", "ACCOUNT_MANAGER", "OPEN", -2}}},
	},
	"forecast": {
		{"Improve forecast accuracy at the roll-up", "SALES_ENGINEER", "IN_PROGRESS", 90,
			kpiSpec{"Forecast accuracy", "%", "92.5", []string{"78", "81", "84.5", "86", "88.5"}},
			[]actionSpec{
				{"Configure the roll-up forecast for every region", "SALES_ENGINEER", "DONE", -35},
				{"Train front-line managers on the forecast call", "CUSTOMER_SUCCESS", "IN_PROGRESS", 8},
			}},
		{"Cut the time managers spend preparing the forecast call", "CUSTOMER_SUCCESS", "ACHIEVED", -15,
			kpiSpec{"Hours per week on forecast preparation", "hours", "2", []string{"6", "5", "3.5", "2.5", "2"}},
			[]actionSpec{{"Retire the spreadsheet roll-up", "CUSTOMER", "DONE", -20}}},
	},
	"expansion": {
		{"Land Territory Planner in the next planning cycle", "ACCOUNT_MANAGER", "NOT_STARTED", 110,
			kpiSpec{"Whitespace cells converted", "cells", "4", []string{"0", "1", "1", "2"}},
			[]actionSpec{
				{"Present the territory design study", "SALES_ENGINEER", "OPEN", 30},
				{"Size the whitespace cells with no potential value yet", "ACCOUNT_MANAGER", "IN_PROGRESS", -1},
			}},
	},
}

var plans = []planSpec{{
	account: "Northwind Robotics", name: "Northwind Robotics onboarding", kind: "CUSTOMER_SUCCESS", status: "ARCHIVED", cadence: "QUARTERLY",
	overview: [5]string{
		"Replace the spreadsheet forecast in North America.",
		"No sales operations team; every region reports differently.",
		"First revenue operations hire; CRM clean-up.",
		"Clarimetric (evaluated and rejected).",
		"CEO-led; the CRO joined last year and owns sales.",
	},
	goals: []goalSpec{
		{"", "Roll out Forecast Studio to North America", "sellers live", "0", "900", "sellers", 0},
		{"", "Connect the CRM through Data Connect", "objects synced", "0", "12", "objects", 3},
		{"", "Reach a satisfaction score of 8", "satisfaction score", "6", "8", "points", 0},
	},
	swot: [][2]string{
		{"STRENGTH", "Executive sponsor in the CRO."},
		{"THREAT", "EMEA keeps its own tools."},
	},
}, {
	account: "Northwind Robotics", name: "Northwind Robotics expansion", kind: "EXPANSION", status: "ACTIVE", cadence: "QUARTERLY",
	contact: "Sofia Marchetti",
	overview: [5]string{
		"Go public within three years with predictable revenue; enter the European logistics market.",
		"The forecast is rolled up in spreadsheets; EMEA runs its own process on Pipewise; sellers take nine months to ramp.",
		"Global revenue operations programme led by the VP Sales Operations; Logistics Automation expands into Europe through Northwind Robotics GmbH.",
		"Pipewise (EMEA forecasting), QuotaWorks (territory planning), the in-house data platform team.",
		"Founder-led. The CRO owns sales, sales operations and enablement; the CFO controls procurement; the CTO's architecture board sets the standards.",
	},
	goals: []goalSpec{
		{"revenue", "Grow annual recurring revenue to $3.2M", "annual recurring revenue", "2414000", "3200000", "USD", 0},
		{"adoption", "Reach 85% weekly active sellers", "weekly active sellers", "58", "85", "%", 2},
		{"displace", "Replace Pipewise in EMEA", "EMEA sellers on our platform", "0", "450", "sellers", 0},
		{"executive", "Build relationships with the CEO and the CFO", "executive meetings per quarter", "0", "2", "meetings", 1},
		{"forecast", "Reach 92.5% forecast accuracy at the global roll-up", "forecast accuracy", "78", "92.5", "%", 0},
	},
	insights: []insightSpec{
		{"GOAL", "Go public within three years; predictable revenue is a board requirement.", true, "Helen Zhao"},
		{"PRESSURE", "The board wants forecast accuracy above 90% before the next funding round.", true, "Ingrid Solberg"},
		{"INITIATIVE", "Global revenue operations programme: one process, one forecast, one set of territories.", true, "Sofia Marchetti"},
		{"OBSTACLE", "EMEA sales leadership is invested in Pipewise and resists a global process.", false, "Victor Hale"},
		{"OBSTACLE", "The architecture board prefers to build on the in-house data platform.", false, "Samuel Osei"},
		{"SOLUTION", "Forecast Studio with Data Connect replaces the spreadsheet roll-up within a quarter.", false, ""},
	},
	swot: [][2]string{
		{"STRENGTH", "Trusted by the VP Sales, North America and the revenue operations team."},
		{"STRENGTH", "Forecast Studio is already the system of record for the North American forecast."},
		{"WEAKNESS", "No relationship with the CTO's architecture board; the CFO sees us as a vendor."},
		{"OPPORTUNITY", "The European expansion needs a territory design."},
		{"THREAT", "Pipewise offers EMEA a free global licence to block the consolidation."},
	},
	feedback: []feedbackSpec{
		{"PROJECT_SURVEY", 9, "The forecast roll-up saves our managers a day a week.", "Priyanka Shah", 40},
		{"CONTRACT_SURVEY", 7, "Good value, but onboarding a new region takes too long.", "Sofia Marchetti", 75},
		{"ACCOUNT_INTERVIEW", 6, "We need one process for EMEA before we buy more.", "Marcus Bell", 20},
		{"AD_HOC", 3, "Our managers find the forecast call slower than with Pipewise.", "Hannah Becker", 8},
	},
}, {
	account: "Contoso Financial Group", name: "Contoso Financial Group renewal", kind: "CUSTOMER_SUCCESS", status: "ACTIVE", cadence: "MONTHLY",
	contact: "Amelia Shaw",
	overview: [5]string{
		"Grow product holdings per customer by 15% while keeping the cost-to-income ratio below 50%.",
		"Regulatory pressure on sales conduct; a procurement freeze on new vendors; three forecasting processes across the units.",
		"Sales conduct programme in Retail Banking; consolidation of the Commercial Lending CRM.",
		"Pipewise in Retail Banking, Clarimetric in Commercial Lending, DealFlow CPQ in Wealth Management.",
		"Group executive committee; the CCO owns sales in all three units; procurement reports to the CFO.",
	},
	goals: []goalSpec{
		{"renewal", "Renew for three years before the contract ends", "contract term", "1", "3", "years", 1},
		{"adoption", "Reach 80% weekly active relationship managers", "weekly active users", "52", "80", "%", 0},
		{"displace", "Replace Pipewise in Retail Banking", "Retail Banking sellers on our platform", "0", "2500", "sellers", 0},
		{"executive", "Open a relationship with the group chief executive", "executive meetings per quarter", "0", "1", "meetings", 2},
	},
	insights: []insightSpec{
		{"GOAL", "Grow product holdings per customer by 15%.", true, "Eleanor Price"},
		{"PRESSURE", "The regulator's review of sales conduct requires an auditable pipeline.", true, "Amelia Shaw"},
		{"INITIATIVE", "Sales conduct programme in Retail Banking, due before the year end.", true, "Oliver Brooks"},
		{"OBSTACLE", "Procurement freeze on new vendors until the cost programme ends.", false, "Harriet Cole"},
		{"SOLUTION", "Deal Desk approvals give compliance the audit trail it asks for.", false, ""},
	},
	swot: [][2]string{
		{"STRENGTH", "A mentor in the VP Sales; Forecast Studio runs Commercial Lending."},
		{"WEAKNESS", "No executive relationship above the CCO."},
		{"OPPORTUNITY", "The sales conduct programme needs auditable deal approvals."},
		{"THREAT", "The sales systems architect champions Pipewise."},
	},
	feedback: []feedbackSpec{
		{"CONTRACT_SURVEY", 6, "A solid product; the renewal price must reflect the smaller Wealth Management team.", "Harriet Cole", 60},
		{"AD_HOC", 8, "The new forecast view saved our Monday call.", "Oliver Brooks", 12},
	},
}, {
	account: "Fabrikam Health", name: "Fabrikam Health expansion", kind: "EXPANSION", status: "ACTIVE", cadence: "QUARTERLY",
	contact: "Rachel Owusu",
	overview: [5]string{
		"Launch the new patient-monitoring line; double the diagnostics business in three years.",
		"Long hospital buying cycles; sellers spend a day a week on reporting.",
		"Monitoring line launch; territory redesign for Diagnostics.",
		"Clarimetric in Diagnostics; Coachly for onboarding in Medical Devices.",
		"The president with three VPs; sales operations serves both units.",
	},
	goals: []goalSpec{
		{"revenue", "Grow annual recurring revenue to $1M", "annual recurring revenue", "812500", "1000000", "USD", 0},
		{"adoption", "Reach 85% weekly active sellers", "weekly active sellers", "61", "85", "%", 1},
		{"expansion", "Land Territory Planner in Diagnostics", "units using Territory Planner", "0", "1", "units", 0},
	},
	insights: []insightSpec{
		{"GOAL", "Double the diagnostics business in three years.", true, "Sarah Lindgren"},
		{"PRESSURE", "Hospital budgets are frozen until the next fiscal year.", false, "Paul Schneider"},
		{"INITIATIVE", "The patient-monitoring launch needs a new territory design.", true, "Michael Torres"},
		{"OBSTACLE", "Finance has not approved any new tool this year.", false, ""},
		{"SOLUTION", "Territory Planner models the launch territories in a week.", false, "Nina Alvarez"},
	},
	swot: [][2]string{
		{"STRENGTH", "A mentor in the VP Sales, who owns the tooling budget."},
		{"WEAKNESS", "No contact in finance."},
		{"OPPORTUNITY", "The territory redesign for the launch."},
		{"THREAT", "Clarimetric bundles forecasting with its CRM add-on."},
	},
	feedback: []feedbackSpec{
		{"PROJECT_SURVEY", 8, "The onboarding project ran on time.", "Nina Alvarez", 50},
		{"ACCOUNT_INTERVIEW", 7, "We want more of the analytics and less of the admin.", "Michael Torres", 25},
	},
}, {
	account: "Tailspin Manufacturing", name: "Tailspin Manufacturing growth", kind: "EXPANSION", status: "ACTIVE", cadence: "QUARTERLY",
	contact: "Jonas Weber",
	overview: [5]string{
		"Win two new aircraft programmes; grow aftermarket revenue by 20%.",
		"Few sellers, long programme cycles, and a controlling team that questions every tool.",
		"Aftermarket sales push; a new ERP system next year.",
		"QuotaWorks in Aerospace Components; DealFlow CPQ in Aftermarket Services.",
		"Owner-managed; the managing director decides with the head of controlling.",
	},
	goals: []goalSpec{
		{"revenue", "Grow annual recurring revenue to $700K", "annual recurring revenue", "618300", "700000", "USD", 0},
		{"forecast", "Reach 90% forecast accuracy in the aftermarket business", "forecast accuracy", "74", "90", "%", 1},
		{"executive", "Meet the managing director every quarter", "executive meetings per quarter", "0", "1", "meetings", 0},
	},
	insights: []insightSpec{
		{"GOAL", "Grow aftermarket revenue by 20% this year.", true, "Anna Vogel"},
		{"PRESSURE", "Cheaper suppliers undercut their aftermarket prices.", true, "Klaus Richter"},
		{"INITIATIVE", "The ERP roll-out next year replaces the quoting tool.", false, "Stefan Braun"},
		{"OBSTACLE", "Controlling wants a payback within twelve months.", false, "Stefan Braun"},
		{"SOLUTION", "Pipeline Insights with Data Connect shows aftermarket demand per customer.", true, "Jonas Weber"},
	},
	swot: [][2]string{
		{"STRENGTH", "A mentor in sales excellence."},
		{"WEAKNESS", "Only a brief contact with the decision maker."},
		{"OPPORTUNITY", "The aftermarket forecast is still a spreadsheet."},
		{"THREAT", "The new ERP system may bring its own sales module."},
	},
	feedback: []feedbackSpec{
		{"AD_HOC", 9, "The aftermarket dashboard is the first thing I open every morning.", "Jonas Weber", 10},
		{"CONTRACT_SURVEY", 5, "Too expensive for a company of our size.", "", 40},
	},
}, {
	account: "Litware Software", name: "Litware Software land and expand", kind: "EXPANSION", status: "ACTIVE", cadence: "MONTHLY",
	contact: "Grace Liu",
	overview: [5]string{
		"Triple enterprise bookings; build an enterprise sales motion on top of self-serve.",
		"A young sales team, no sales operations process, and a CFO who wants to break even.",
		"Build-out of the enterprise sales team; new pricing for Developer Tools.",
		"SyncBridge and Coachly in Developer Tools; Clarimetric under evaluation.",
		"Founder-led; the VP Sales was the CEO's first hire; sales operations is new.",
	},
	goals: []goalSpec{
		{"revenue", "Grow annual recurring revenue to $800K", "annual recurring revenue", "573300", "800000", "USD", 0},
		{"adoption", "Reach 90% weekly active sellers", "weekly active sellers", "70", "90", "%", 1},
		{"expansion", "Land Territory Planner for the enterprise team", "units using Territory Planner", "0", "1", "units", 0},
		{"executive", "Build relationships beyond the VP Sales", "stakeholders with a relationship", "1", "4", "people", 2},
	},
	insights: []insightSpec{
		{"GOAL", "Triple enterprise bookings in two years.", true, "Ethan Cho"},
		{"PRESSURE", "Breaking even next year limits new spend.", true, "Matilda Hughes"},
		{"INITIATIVE", "Hiring forty enterprise sellers this year.", true, "Grace Liu"},
		{"OBSTACLE", "Sales operations has no budget of its own.", false, "Ravi Iyer"},
		{"SOLUTION", "Enablement Hub halves ramp time for the new enterprise sellers.", false, ""},
	},
	swot: [][2]string{
		{"STRENGTH", "A strong sponsor in the VP Sales."},
		{"WEAKNESS", "Single-threaded: one relationship in the whole account."},
		{"OPPORTUNITY", "Forty new sellers to onboard."},
		{"THREAT", "The CFO may cut tooling to break even."},
	},
	feedback: []feedbackSpec{
		{"AD_HOC", 7, "The pipeline view is great; the mobile app is slow.", "Jack Nguyen", 15},
		{"PROJECT_SURVEY", 8, "Setup took two weeks instead of six.", "Grace Liu", 45},
	},
}}

func (l *loader) loadPlans(ctx context.Context) error {
	for i, spec := range plans {
		if err := l.loadPlan(ctx, i, spec); err != nil {
			return fmt.Errorf("plan %s: %w", spec.name, err)
		}
	}
	return nil
}

func (l *loader) loadPlan(ctx context.Context, i int, spec planSpec) error {
	a := l.accounts[spec.account]
	start, end := l.quarterStart(2), l.quarterStart(-2).AddDate(0, 0, -1)
	if spec.status == "ARCHIVED" {
		start, end = l.quarterStart(6), l.quarterStart(2).AddDate(0, 0, -1)
	}
	o := spec.overview
	plan, err := l.c.AccountPlan.Create().
		SetAccountID(a.id).SetOwnerID(l.users[a.owner]).
		SetName(fmt.Sprintf("FY%02d %s", end.Year()%100, spec.name)).
		SetType(accountplan.Type(spec.kind)).SetStatus(accountplan.Status(spec.status)).
		SetReviewCadence(accountplan.ReviewCadence(spec.cadence)).
		SetPeriodStart(start).SetPeriodEnd(end).
		SetCustomerGoals(o[0]).SetChallenges(o[1]).SetKeyInitiatives(o[2]).SetCompetitors(o[3]).SetTeamStructure(o[4]).
		Save(ctx)
	if err != nil {
		return err
	}
	if spec.status == "ACTIVE" {
		a.plan = plan
	}
	for _, g := range spec.goals {
		goal, err := l.c.Goal.Create().SetPlanID(plan.ID).SetTitle(g.title).SetMetric(g.metric).
			SetBaseline(g.baseline).SetTarget(g.target).SetUnit(g.unit).
			SetDueAt(end.AddDate(0, -g.monthsEarly, 0)).Save(ctx)
		if err != nil {
			return fmt.Errorf("goal %s: %w", g.title, err)
		}
		for _, obj := range playbook[g.playbook] {
			if err := l.loadObjective(ctx, a, plan.ID, goal.ID, plan.PeriodStart, spec.contact, obj); err != nil {
				return fmt.Errorf("objective %s: %w", obj.title, err)
			}
		}
	}
	if err := l.loadResearch(ctx, a, plan.ID, spec); err != nil {
		return err
	}
	return l.loadReviews(ctx, a, plan, i)
}

// loadObjective creates an objective under a goal, with its KPI, the KPI's history and the action items.
// The items are written when the plan is, so that each review finds those
// open before it.
func (l *loader) loadObjective(ctx context.Context, a *acct, plan, goal int, written time.Time, contact string, spec objectiveSpec) error {
	obj, err := l.c.Objective.Create().SetGoalID(goal).SetTitle(spec.title).
		SetOwnerID(l.member(a, spec.owner)).SetStatus(objective.Status(spec.status)).SetDueAt(l.day(spec.due)).
		Save(ctx)
	if err != nil {
		return err
	}
	k := spec.kpi
	kpi, err := l.c.KPI.Create().SetObjectiveID(obj.ID).SetName(k.name).SetUnit(k.unit).SetTarget(k.target).Save(ctx)
	if err != nil {
		return fmt.Errorf("KPI %s: %w", k.name, err)
	}
	err = l.c.KPIMeasurement.MapCreateBulk(k.history, func(c *ent.KPIMeasurementCreate, i int) {
		c.SetKpiID(kpi.ID).SetValue(k.history[i]).SetMeasuredAt(l.day(-4 - 30*(len(k.history)-1-i)))
	}).Exec(ctx)
	if err != nil {
		return fmt.Errorf("KPI %s: measurements: %w", k.name, err)
	}
	for _, act := range spec.actions {
		due := l.day(act.due)
		c := l.c.ActionItem.Create().SetPlanID(plan).SetObjectiveID(obj.ID).SetTitle(act.title).
			SetStatus(actionitem.Status(act.status)).SetDueAt(due).SetCreatedAt(written)
		if act.owner == "CUSTOMER" {
			c.SetNillableStakeholderOwnerID(l.ref(a.stakeholders, "stakeholder", contact))
		} else {
			c.SetOwnerID(l.member(a, act.owner))
		}
		if act.status == "DONE" {
			c.SetCompletedAt(due.AddDate(0, 0, -2))
		}
		if err := c.Exec(ctx); err != nil {
			return fmt.Errorf("action item %s: %w", act.title, err)
		}
	}
	return nil
}

// loadResearch creates a plan's insights, SWOT items and feedback.
func (l *loader) loadResearch(ctx context.Context, a *acct, plan int, spec planSpec) error {
	err := l.c.Insight.MapCreateBulk(spec.insights, func(c *ent.InsightCreate, i int) {
		in := spec.insights[i]
		c.SetPlanID(plan).SetKind(insight.Kind(in.kind)).SetText(in.text).SetConfirmed(in.confirmed).
			SetNillableStakeholderID(l.ref(a.stakeholders, "stakeholder", in.owner))
	}).Exec(ctx)
	if err != nil {
		return fmt.Errorf("insights: %w", err)
	}
	err = l.c.SwotItem.MapCreateBulk(spec.swot, func(c *ent.SwotItemCreate, i int) {
		c.SetPlanID(plan).SetKind(swotitem.Kind(spec.swot[i][0])).SetText(spec.swot[i][1])
	}).Exec(ctx)
	if err != nil {
		return fmt.Errorf("SWOT: %w", err)
	}
	err = l.c.Feedback.MapCreateBulk(spec.feedback, func(c *ent.FeedbackCreate, i int) {
		f := spec.feedback[i]
		c.SetAccountID(a.id).SetPlanID(plan).SetKind(feedback.Kind(f.kind)).SetScore(f.score).SetText(f.text).
			SetReceivedAt(l.day(-f.received)).SetNillableStakeholderID(l.ref(a.stakeholders, "stakeholder", f.from))
	}).Exec(ctx)
	if err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	return nil
}
