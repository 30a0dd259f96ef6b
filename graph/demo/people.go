package demo

import (
	"context"
	"fmt"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/influenceedge"
	"github.com/accountplan/accountplan/ent/relationship"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// person is a row of an org chart. Managers come before their reports.
type person struct {
	name, title, department, unit, manager                        string
	rank, influence                                               int
	political, support, orientation, adaptability, role, coverage string
	motivators, drivers                                           string
}

// edgeSpec is an influence edge between two people of the same org chart.
type edgeSpec struct {
	from, to, kind string
	strength       int
	note           string
}

// relationshipSpec is one of our users' relationship with a person; lastContact is in days ago.
type relationshipSpec struct {
	user, person, current, desired string
	lastContact                    int
}

type orgChart struct {
	account       string
	people        []person
	edges         []edgeSpec
	relationships []relationshipSpec
}

// orgCharts are the stakeholder maps of the planned accounts. The columns of a
// person: name, title, department, business unit, manager, rank, influence,
// political status, support, decision orientation, adaptability, buying role,
// coverage; then motivators and influence drivers.
var orgCharts = []orgChart{{
	account: "Northwind Robotics",
	people: []person{
		{"Helen Zhao", "Chief Executive Officer", "Executive Office", "Corporate", "", 5, 4, "ASTUTE", "NEUTRAL", "BUSINESS", "VISIONARY", "APPROVER", "BRIEF_CONTACT",
			"Take the company public within three years.", "Founder; the board follows her lead."},
		{"Marcus Bell", "Chief Revenue Officer", "Sales", "Corporate", "Helen Zhao", 5, 5, "ASTUTE", "SUPPORTER", "BUSINESS", "PRAGMATIST", "DECISION_MAKER", "MULTIPLE_CONTACTS",
			"A predictable number every quarter; his bonus rides on forecast accuracy.", "Owns the sales budget and the revenue operations program."},
		{"Ingrid Solberg", "Chief Financial Officer", "Finance", "Corporate", "Helen Zhao", 5, 4, "ASTUTE", "NON_SUPPORTER", "FINANCIAL", "CONSERVATIVE", "APPROVER", "BRIEF_CONTACT",
			"Cut operating costs before the IPO.", "Signs every contract above $250K."},
		{"Rafael Ortiz", "Chief Technology Officer", "Engineering", "Corporate", "Helen Zhao", 5, 4, "AGILE", "NEUTRAL", "TECHNICAL", "INNOVATOR", "EVALUATOR", "NO_CONTACT",
			"One data platform for the whole company.", "Chairs the architecture board."},
		{"Grace Adeyemi", "Chief Operating Officer", "Operations", "Corporate", "Helen Zhao", 5, 3, "OBSERVER", "NEUTRAL", "BUSINESS", "PRAGMATIST", "INFLUENCER", "UNKNOWN",
			"Smooth the European expansion.", "Runs the business units day to day."},
		{"Olivia Grant", "Executive Assistant to the CEO", "Executive Office", "Corporate", "Helen Zhao", 2, 5, "ASTUTE", "SUPPORTER", "RELATIONSHIP", "PRAGMATIST", "INFLUENCER", "IN_DEPTH",
			"Protect the CEO's time; be seen as the one who gets things done.", "Controls the CEO's calendar and briefs her before every meeting."},
		{"Daniel Kim", "VP Sales, North America", "Sales", "Industrial Robotics", "Marcus Bell", 4, 4, "AGILE", "MENTOR", "RELATIONSHIP", "VISIONARY", "INFLUENCER", "IN_DEPTH",
			"Become the next CRO; his region is the showcase for our platform.", "Delivers 60% of the bookings; the CRO's closest ally."},
		{"Sofia Marchetti", "VP Sales Operations", "Sales Operations", "Corporate", "Marcus Bell", 4, 4, "AGILE", "SUPPORTER", "TECHNICAL", "PRAGMATIST", "EVALUATOR", "MULTIPLE_CONTACTS",
			"One global process, one forecast, one set of territories.", "Leads the revenue operations program and writes the requirements."},
		{"Victor Hale", "VP Sales, EMEA", "Sales", "Logistics Automation", "Marcus Bell", 4, 4, "ASTUTE", "ENEMY", "RELATIONSHIP", "CONSERVATIVE", "INFLUENCER", "BRIEF_CONTACT",
			"Keep EMEA's own forecast process, which he built on Pipewise.", "Twenty years at Northwind; close to the CFO."},
		{"Nadia Petrova", "VP Engineering, Platform", "Engineering", "Corporate", "Rafael Ortiz", 4, 3, "OBSERVER", "NEUTRAL", "TECHNICAL", "INNOVATOR", "EVALUATOR", "NO_CONTACT",
			"Fewer systems to integrate.", "Owns the integration roadmap."},
		{"Thomas Reed", "VP Finance & Procurement", "Finance", "Corporate", "Ingrid Solberg", 4, 3, "AGILE", "NON_SUPPORTER", "FINANCIAL", "CONSERVATIVE", "APPROVER", "BRIEF_CONTACT",
			"Consolidate vendors; three-year price locks.", "Runs every software negotiation."},
		{"Aisha Rahman", "VP Customer Operations", "Operations", "Service & Support", "Grace Adeyemi", 4, 2, "OBSERVER", "SUPPORTER", "RELATIONSHIP", "PRAGMATIST", "USER", "MULTIPLE_CONTACTS",
			"Grow service contract renewals.", "Respected by the field service teams."},
		{"Ben Carter", "VP & General Manager, Industrial Robotics", "Operations", "Industrial Robotics", "Grace Adeyemi", 4, 3, "AGILE", "NEUTRAL", "BUSINESS", "PRAGMATIST", "INFLUENCER", "BRIEF_CONTACT",
			"Hit the unit's margin target.", "P&L owner of the largest unit."},
		{"Priyanka Shah", "Director of Revenue Operations", "Sales Operations", "Corporate", "Sofia Marchetti", 3, 4, "AGILE", "SUPPORTER", "TECHNICAL", "INNOVATOR", "EVALUATOR", "IN_DEPTH",
			"Automate the forecast roll-up; a promotion to VP.", "Builds every sales report the executives read."},
		{"Lucas Moreau", "Director of Sales, Enterprise", "Sales", "Industrial Robotics", "Daniel Kim", 3, 3, "OBSERVER", "SUPPORTER", "RELATIONSHIP", "PRAGMATIST", "USER", "MULTIPLE_CONTACTS",
			"Shorter sales cycles for his team.", "Runs the largest sales team."},
		{"Hannah Becker", "Director of Sales, Central Europe", "Sales", "Logistics Automation", "Victor Hale", 3, 2, "NAIVE", "NEUTRAL", "RELATIONSHIP", "CONSERVATIVE", "USER", "NO_CONTACT",
			"Build the German team from scratch.", "New in the role; follows Victor's lead."},
		{"Samuel Osei", "Senior Principal Architect", "Engineering", "Corporate", "Nadia Petrova", 2, 5, "ASTUTE", "NON_SUPPORTER", "TECHNICAL", "INNOVATOR", "EVALUATOR", "NO_CONTACT",
			"Build on the in-house data platform rather than buy.", "The CTO signs off whatever he recommends."},
		{"Emily Novak", "Director of Sales Enablement", "Sales Operations", "Corporate", "Sofia Marchetti", 3, 3, "AGILE", "SUPPORTER", "RELATIONSHIP", "VISIONARY", "INFLUENCER", "MULTIPLE_CONTACTS",
			"Cut seller ramp time from nine months to six.", "Every new seller goes through her program."},
		{"Carlos Mendes", "Director of Procurement", "Finance", "Corporate", "Thomas Reed", 3, 3, "AGILE", "NON_SUPPORTER", "FINANCIAL", "LAGGARD", "APPROVER", "BRIEF_CONTACT",
			"Savings against list price.", "Gatekeeper of the vendor list."},
		{"Julia Hoffmann", "Director of IT Applications", "IT", "Corporate", "Nadia Petrova", 3, 3, "OBSERVER", "NEUTRAL", "TECHNICAL", "PRAGMATIST", "EVALUATOR", "BRIEF_CONTACT",
			"Fewer support tickets from sales.", "Runs the CRM and its integrations."},
		{"Kenji Watanabe", "Director of Logistics Sales", "Sales", "Logistics Automation", "Ben Carter", 3, 2, "OBSERVER", "NEUTRAL", "BUSINESS", "LAGGARD", "", "UNKNOWN",
			"", ""},
		{"Fatima Zahra", "Director of Customer Success", "Operations", "Service & Support", "Aisha Rahman", 3, 2, "NAIVE", "SUPPORTER", "RELATIONSHIP", "VISIONARY", "USER", "MULTIPLE_CONTACTS",
			"Renewal forecasts she can trust.", "Owns the renewal forecast."},
		{"Noah Lindqvist", "Sales Operations Manager", "Sales Operations", "Corporate", "Priyanka Shah", 2, 2, "NAIVE", "SUPPORTER", "TECHNICAL", "INNOVATOR", "USER", "IN_DEPTH",
			"Learn the platform inside out.", "Administers our products day to day."},
		{"Chloe Dubois", "Regional Sales Manager, West", "Sales", "Industrial Robotics", "Lucas Moreau", 2, 1, "NAIVE", "NEUTRAL", "RELATIONSHIP", "PRAGMATIST", "USER", "NO_CONTACT",
			"Make quota.", "Top performer last year."},
		{"Arjun Nair", "Finance Business Partner, Sales", "Finance", "Corporate", "Thomas Reed", 2, 3, "OBSERVER", "NON_SUPPORTER", "FINANCIAL", "CONSERVATIVE", "EVALUATOR", "BRIEF_CONTACT",
			"Prove the return on every sales tool.", "Writes the business cases the CFO reads."},
		{"Mia Johansson", "Sales Manager, DACH", "Sales", "Logistics Automation", "Hannah Becker", 2, 1, "NAIVE", "NON_SUPPORTER", "RELATIONSHIP", "LAGGARD", "USER", "NO_CONTACT",
			"Keep the tools her team already knows.", "Long-time Pipewise user."},
		{"Leo Martins", "Sales Operations Analyst", "Sales Operations", "Corporate", "Noah Lindqvist", 1, 1, "NAIVE", "SUPPORTER", "TECHNICAL", "INNOVATOR", "USER", "MULTIPLE_CONTACTS",
			"Learn analytics.", "Builds the weekly pipeline report."},
		{"Zoe Clarke", "Enablement Program Lead", "Sales Operations", "Corporate", "Emily Novak", 1, 3, "AGILE", "SUPPORTER", "RELATIONSHIP", "VISIONARY", "INFLUENCER", "MULTIPLE_CONTACTS",
			"Make onboarding fun.", "Every seller asks her how things work."},
	},
	edges: []edgeSpec{
		{"Olivia Grant", "Helen Zhao", "INFLUENCES", 5, "Decides what reaches the CEO."},
		{"Olivia Grant", "Marcus Bell", "INFLUENCES", 3, ""},
		{"Samuel Osei", "Rafael Ortiz", "INFLUENCES", 5, "The CTO signs off his recommendations."},
		{"Samuel Osei", "Nadia Petrova", "INFLUENCES", 4, ""},
		{"Ingrid Solberg", "Helen Zhao", "INFLUENCES", 4, ""},
		{"Marcus Bell", "Helen Zhao", "INFLUENCES", 4, ""},
		{"Daniel Kim", "Marcus Bell", "INFLUENCES", 4, "Closest ally of the CRO."},
		{"Marcus Bell", "Sofia Marchetti", "INFLUENCES", 3, ""},
		{"Sofia Marchetti", "Daniel Kim", "INFLUENCES", 2, "Sets the process his region follows."},
		{"Priyanka Shah", "Sofia Marchetti", "INFLUENCES", 4, ""},
		{"Victor Hale", "Ingrid Solberg", "INFLUENCES", 3, "Lobbies the CFO against the global program."},
		{"Thomas Reed", "Ingrid Solberg", "INFLUENCES", 4, ""},
		{"Carlos Mendes", "Thomas Reed", "INFLUENCES", 3, ""},
		{"Arjun Nair", "Thomas Reed", "INFLUENCES", 2, ""},
		{"Emily Novak", "Daniel Kim", "INFLUENCES", 3, ""},
		{"Zoe Clarke", "Emily Novak", "INFLUENCES", 4, ""},
		{"Ben Carter", "Grace Adeyemi", "INFLUENCES", 3, ""},
		{"Victor Hale", "Daniel Kim", "CONFLICTS_WITH", 4, "Compete for the global sales methodology."},
		{"Daniel Kim", "Victor Hale", "CONFLICTS_WITH", 4, ""},
		{"Samuel Osei", "Julia Hoffmann", "CONFLICTS_WITH", 3, "Build versus buy."},
		{"Ingrid Solberg", "Rafael Ortiz", "CONFLICTS_WITH", 2, "Budget for the data platform."},
		{"Priyanka Shah", "Marcus Bell", "INFORMAL", 3, "Dotted line for the weekly forecast call."},
		{"Julia Hoffmann", "Sofia Marchetti", "INFORMAL", 2, "IT partner for the sales systems."},
	},
	relationships: []relationshipSpec{
		{"maya", "Marcus Bell", "PROBLEM_SOLVER", "TRUSTED_ADVISOR", 6},
		{"maya", "Daniel Kim", "TRUSTED_ADVISOR", "TRUSTED_ADVISOR", 3},
		{"maya", "Sofia Marchetti", "PROBLEM_SOLVER", "TRUSTED_ADVISOR", 10},
		{"maya", "Olivia Grant", "CREDIBLE_SOURCE", "PROBLEM_SOLVER", 21},
		{"maya", "Victor Hale", "VENDOR", "CREDIBLE_SOURCE", 120},
		{"ruth", "Helen Zhao", "CREDIBLE_SOURCE", "TRUSTED_ADVISOR", 45},
		{"ruth", "Marcus Bell", "PROBLEM_SOLVER", "TRUSTED_ADVISOR", 30},
		{"ruth", "Ingrid Solberg", "VENDOR", "CREDIBLE_SOURCE", 90},
		{"lena", "Priyanka Shah", "TRUSTED_ADVISOR", "TRUSTED_ADVISOR", 2},
		{"lena", "Julia Hoffmann", "CREDIBLE_SOURCE", "PROBLEM_SOLVER", 35},
		{"lena", "Noah Lindqvist", "PROBLEM_SOLVER", "TRUSTED_ADVISOR", 5},
		{"sam", "Aisha Rahman", "PROBLEM_SOLVER", "TRUSTED_ADVISOR", 14},
		{"sam", "Emily Novak", "PROBLEM_SOLVER", "TRUSTED_ADVISOR", 8},
		{"sam", "Fatima Zahra", "CREDIBLE_SOURCE", "PROBLEM_SOLVER", 20},
	},
}, {
	account: "Contoso Financial Group",
	people: []person{
		{"James Whitaker", "Group Chief Executive", "Executive Office", "", "", 5, 4, "ASTUTE", "NEUTRAL", "BUSINESS", "CONSERVATIVE", "APPROVER", "NO_CONTACT",
			"Cost-to-income ratio below 50%.", "Answers to the board and the regulator."},
		{"Eleanor Price", "Chief Commercial Officer", "Sales", "Retail Banking", "James Whitaker", 5, 5, "ASTUTE", "SUPPORTER", "BUSINESS", "PRAGMATIST", "DECISION_MAKER", "MULTIPLE_CONTACTS",
			"Grow product holdings per customer.", "Owns all sales budgets."},
		{"Richard Hayes", "Chief Financial Officer", "Finance", "", "James Whitaker", 5, 4, "OBSERVER", "NON_SUPPORTER", "FINANCIAL", "CONSERVATIVE", "APPROVER", "BRIEF_CONTACT",
			"A flat technology budget.", "Chairs the investment committee."},
		{"Oliver Brooks", "VP Sales", "Sales", "Retail Banking", "Eleanor Price", 4, 3, "AGILE", "MENTOR", "RELATIONSHIP", "VISIONARY", "INFLUENCER", "IN_DEPTH",
			"Modernise how his branches sell.", "Trusted by the CCO."},
		{"Amelia Shaw", "VP Sales Operations", "Sales Operations", "Retail Banking", "Eleanor Price", 4, 4, "ASTUTE", "NEUTRAL", "TECHNICAL", "PRAGMATIST", "EVALUATOR", "MULTIPLE_CONTACTS",
			"Compliance-proof sales processes.", "Writes every sales policy."},
		{"Harriet Cole", "Head of Procurement", "Procurement", "", "Richard Hayes", 3, 3, "AGILE", "NON_SUPPORTER", "FINANCIAL", "LAGGARD", "APPROVER", "BRIEF_CONTACT",
			"Fewer vendors.", "Runs the procurement freeze."},
		{"George Patel", "Director of Sales, Wealth Management", "Sales", "Wealth Management", "Oliver Brooks", 3, 2, "OBSERVER", "SUPPORTER", "RELATIONSHIP", "PRAGMATIST", "USER", "MULTIPLE_CONTACTS",
			"Adviser productivity.", ""},
		{"Isla Morgan", "Sales Systems Architect", "IT", "Retail Banking", "Amelia Shaw", 2, 4, "AGILE", "ENEMY", "TECHNICAL", "CONSERVATIVE", "EVALUATOR", "BRIEF_CONTACT",
			"Keep the Pipewise integration she built.", "Amelia relies on her technical judgement."},
	},
	edges: []edgeSpec{
		{"Isla Morgan", "Amelia Shaw", "INFLUENCES", 4, ""},
		{"Oliver Brooks", "Eleanor Price", "INFLUENCES", 3, ""},
		{"Harriet Cole", "Richard Hayes", "INFLUENCES", 3, ""},
		{"Isla Morgan", "Oliver Brooks", "CONFLICTS_WITH", 3, "Argue over the branch sales tools."},
	},
	relationships: []relationshipSpec{
		{"omar", "Eleanor Price", "PROBLEM_SOLVER", "TRUSTED_ADVISOR", 12},
		{"omar", "Oliver Brooks", "TRUSTED_ADVISOR", "TRUSTED_ADVISOR", 4},
		{"lena", "Amelia Shaw", "CREDIBLE_SOURCE", "PROBLEM_SOLVER", 18},
		{"ruth", "James Whitaker", "VENDOR", "CREDIBLE_SOURCE", 150},
	},
}, {
	account: "Fabrikam Health",
	people: []person{
		{"Sarah Lindgren", "President", "Executive Office", "", "", 5, 4, "ASTUTE", "SUPPORTER", "BUSINESS", "VISIONARY", "APPROVER", "BRIEF_CONTACT",
			"Double the diagnostics business.", ""},
		{"Michael Torres", "VP Sales", "Sales", "Medical Devices", "Sarah Lindgren", 4, 4, "AGILE", "MENTOR", "RELATIONSHIP", "PRAGMATIST", "DECISION_MAKER", "IN_DEPTH",
			"Launch the new monitoring line on time.", "Owns the sales tooling budget."},
		{"Rachel Owusu", "VP Sales Operations", "Sales Operations", "Diagnostics", "Sarah Lindgren", 4, 3, "OBSERVER", "SUPPORTER", "TECHNICAL", "INNOVATOR", "EVALUATOR", "MULTIPLE_CONTACTS",
			"Clean CRM data.", ""},
		{"Paul Schneider", "Director of Finance", "Finance", "", "Sarah Lindgren", 3, 3, "AGILE", "NON_SUPPORTER", "FINANCIAL", "CONSERVATIVE", "APPROVER", "NO_CONTACT",
			"Hold spend flat.", ""},
		{"Tom Walsh", "Regional Sales Director", "Sales", "Diagnostics", "Michael Torres", 3, 2, "OBSERVER", "NEUTRAL", "RELATIONSHIP", "LAGGARD", "USER", "BRIEF_CONTACT",
			"", ""},
		{"Nina Alvarez", "Sales Operations Manager", "Sales Operations", "Diagnostics", "Rachel Owusu", 2, 2, "NAIVE", "SUPPORTER", "TECHNICAL", "INNOVATOR", "USER", "IN_DEPTH",
			"Automate the quarterly territory refresh.", ""},
	},
	edges: []edgeSpec{
		{"Paul Schneider", "Sarah Lindgren", "INFLUENCES", 3, ""},
		{"Nina Alvarez", "Rachel Owusu", "INFLUENCES", 2, ""},
		{"Rachel Owusu", "Michael Torres", "INFORMAL", 2, ""},
	},
	relationships: []relationshipSpec{
		{"omar", "Michael Torres", "TRUSTED_ADVISOR", "TRUSTED_ADVISOR", 7},
		{"sam", "Nina Alvarez", "PROBLEM_SOLVER", "TRUSTED_ADVISOR", 9},
		{"lena", "Rachel Owusu", "CREDIBLE_SOURCE", "PROBLEM_SOLVER", 25},
	},
}, {
	account: "Tailspin Manufacturing",
	people: []person{
		{"Klaus Richter", "Managing Director", "Executive Office", "", "", 5, 5, "ASTUTE", "NEUTRAL", "FINANCIAL", "CONSERVATIVE", "DECISION_MAKER", "BRIEF_CONTACT",
			"Protect margins against cheaper suppliers.", "Owner-managed company."},
		{"Anna Vogel", "VP Sales", "Sales", "Aerospace Components", "Klaus Richter", 4, 3, "AGILE", "SUPPORTER", "BUSINESS", "PRAGMATIST", "INFLUENCER", "MULTIPLE_CONTACTS",
			"Win the next aircraft programme.", ""},
		{"Stefan Braun", "Head of Controlling", "Finance", "", "Klaus Richter", 4, 4, "ASTUTE", "NON_SUPPORTER", "FINANCIAL", "LAGGARD", "APPROVER", "NO_CONTACT",
			"Every euro justified.", "The managing director's confidant."},
		{"Jonas Weber", "Sales Excellence Manager", "Sales Operations", "Aftermarket Services", "Anna Vogel", 2, 3, "AGILE", "MENTOR", "TECHNICAL", "INNOVATOR", "EVALUATOR", "IN_DEPTH",
			"Make the aftermarket forecast reliable.", ""},
		{"Lea Hartmann", "Key Account Manager", "Sales", "Aerospace Components", "Anna Vogel", 2, 1, "NAIVE", "NEUTRAL", "RELATIONSHIP", "PRAGMATIST", "USER", "BRIEF_CONTACT",
			"", ""},
	},
	edges: []edgeSpec{
		{"Stefan Braun", "Klaus Richter", "INFLUENCES", 5, ""},
		{"Jonas Weber", "Anna Vogel", "INFLUENCES", 3, ""},
	},
	relationships: []relationshipSpec{
		{"maya", "Anna Vogel", "PROBLEM_SOLVER", "TRUSTED_ADVISOR", 15},
		{"sam", "Jonas Weber", "TRUSTED_ADVISOR", "TRUSTED_ADVISOR", 6},
	},
}, {
	account: "Litware Software",
	people: []person{
		{"Ethan Cho", "Chief Executive Officer", "Executive Office", "", "", 5, 5, "ASTUTE", "SUPPORTER", "BUSINESS", "INNOVATOR", "DECISION_MAKER", "BRIEF_CONTACT",
			"Triple enterprise bookings.", "Founder."},
		{"Matilda Hughes", "Chief Financial Officer", "Finance", "", "Ethan Cho", 5, 3, "OBSERVER", "NON_SUPPORTER", "FINANCIAL", "CONSERVATIVE", "APPROVER", "NO_CONTACT",
			"Reach break-even next year.", ""},
		{"Grace Liu", "VP Sales", "Sales", "Cloud Platform", "Ethan Cho", 4, 4, "AGILE", "SUPPORTER", "RELATIONSHIP", "VISIONARY", "INFLUENCER", "IN_DEPTH",
			"Build an enterprise sales team.", "The CEO's first hire."},
		{"Ravi Iyer", "VP Sales Operations", "Sales Operations", "Cloud Platform", "Ethan Cho", 4, 3, "OBSERVER", "NEUTRAL", "TECHNICAL", "PRAGMATIST", "EVALUATOR", "BRIEF_CONTACT",
			"", ""},
		{"Jack Nguyen", "Sales Manager, Developer Tools", "Sales", "Developer Tools", "Grace Liu", 2, 2, "NAIVE", "SUPPORTER", "TECHNICAL", "INNOVATOR", "USER", "MULTIPLE_CONTACTS",
			"", ""},
	},
	edges: []edgeSpec{
		{"Grace Liu", "Ethan Cho", "INFLUENCES", 4, ""},
		{"Matilda Hughes", "Ethan Cho", "INFLUENCES", 3, ""},
		{"Ravi Iyer", "Grace Liu", "CONFLICTS_WITH", 2, "Disagree on who owns the sales process."},
	},
	// Everything rests on one contact: a single-threaded account.
	relationships: []relationshipSpec{
		{"omar", "Grace Liu", "PROBLEM_SOLVER", "TRUSTED_ADVISOR", 11},
	},
}}

// loadOrgCharts creates the stakeholders, influence edges and relationships of the org charts.
func (l *loader) loadOrgCharts(ctx context.Context) error {
	for _, chart := range orgCharts {
		a := l.accounts[chart.account]
		if err := l.loadOrgChart(ctx, a, chart); err != nil {
			return fmt.Errorf("org chart of %s: %w", chart.account, err)
		}
	}
	return nil
}

func (l *loader) loadOrgChart(ctx context.Context, a *acct, chart orgChart) error {
	for _, p := range chart.people {
		s, err := l.c.Stakeholder.Create().
			SetAccountID(a.id).SetName(p.name).SetTitle(p.title).SetDepartment(p.department).
			SetEmail(email(p.name, a.name)).
			SetNillableBusinessUnitID(l.ref(a.unitIDs, "business unit", p.unit)).
			SetNillableReportsToID(l.ref(a.stakeholders, "stakeholder", p.manager)).
			SetRank(p.rank).SetInfluence(p.influence).
			SetPoliticalStatus(stakeholder.PoliticalStatus(p.political)).
			SetSupport(stakeholder.Support(p.support)).
			SetDecisionOrientation(stakeholder.DecisionOrientation(p.orientation)).
			SetAdaptability(stakeholder.Adaptability(p.adaptability)).
			SetNillableBuyingRole(opt[stakeholder.BuyingRole](p.role)).
			SetCoverage(stakeholder.Coverage(p.coverage)).
			SetMotivators(p.motivators).SetInfluenceDrivers(p.drivers).
			Save(ctx)
		if err != nil {
			return fmt.Errorf("stakeholder %s: %w", p.name, err)
		}
		a.stakeholders[p.name] = s.ID
	}
	edges := make([]*ent.InfluenceEdgeCreate, len(chart.edges))
	for i, e := range chart.edges {
		edges[i] = l.c.InfluenceEdge.Create().
			SetFromID(*l.ref(a.stakeholders, "stakeholder", e.from)).SetToID(*l.ref(a.stakeholders, "stakeholder", e.to)).
			SetKind(influenceedge.Kind(e.kind)).SetStrength(e.strength).SetNote(e.note)
	}
	if err := l.c.InfluenceEdge.CreateBulk(edges...).Exec(ctx); err != nil {
		return fmt.Errorf("influence edges: %w", err)
	}
	relationships := make([]*ent.RelationshipCreate, len(chart.relationships))
	for i, r := range chart.relationships {
		relationships[i] = l.c.Relationship.Create().
			SetUserID(l.users[r.user]).SetStakeholderID(*l.ref(a.stakeholders, "stakeholder", r.person)).
			SetCurrentLevel(relationship.CurrentLevel(r.current)).SetDesiredLevel(relationship.DesiredLevel(r.desired)).
			SetLastContactAt(l.day(-r.lastContact))
	}
	if err := l.c.Relationship.CreateBulk(relationships...).Exec(ctx); err != nil {
		return fmt.Errorf("relationships: %w", err)
	}
	return nil
}
