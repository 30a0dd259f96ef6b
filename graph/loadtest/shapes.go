package main

import "github.com/accountplan/accountplan/graph/benchdata"

// shape is one request in our API and the same rows asked of PostGraphile v5
// (simplify-inflection, connection-filter) over our tables. Aliases give both
// answers the same field names so that rows can compare them.
type shape struct {
	Name         string
	Ours, Theirs string
	ByAccount    bool // both take the first account by name as $id
}

// theirFirstAccount asks PostGraphile for the global ID of the account ours reads with benchdata.FirstAccount.
const theirFirstAccount = `{ accounts(first: 1, orderBy: NAME_ASC) { nodes { id } } }`

// shapes are issue 15's three request shapes, then variants of the same kinds
// with other depths, page sizes, orders, filters and fields.
var shapes = []shape{
	{Name: "nested", Ours: benchdata.NestedLists, Theirs: `{ accounts(first: 100, orderBy: NAME_ASC) { nodes { id name tier
	plans: accountPlansByAccountPlans(first: 5, orderBy: PRIMARY_KEY_ASC) { nodes { id name status periodStart periodEnd
		goals: goalsByAccountPlanGoals(first: 5, orderBy: PRIMARY_KEY_ASC) { nodes { id title metric target dueAt
			objectives: objectivesByGoalObjectives(first: 5, orderBy: PRIMARY_KEY_ASC) { nodes { id title status dueAt } } } } } } } } }`},

	{Name: "counts", Ours: benchdata.NestedCounts, Theirs: `{ accounts(first: 100, orderBy: NAME_ASC) { nodes { id name
	plans: accountPlansByAccountPlans { totalCount }
	activePlans: accountPlansByAccountPlans(condition: {status: "ACTIVE"}) { totalCount }
	stakeholders: stakeholdersByAccountStakeholders { totalCount }
	keyPlayers: stakeholdersByAccountStakeholders(filter: {politicalStatus: {in: ["AGILE", "ASTUTE"]}}) { totalCount }
	supporters: stakeholdersByAccountStakeholders(filter: {support: {in: ["MENTOR", "SUPPORTER"]}}) { totalCount }
	decisionMakers: stakeholdersByAccountStakeholders(condition: {buyingRole: "DECISION_MAKER"}) { totalCount }
	opportunities: opportunitiesByAccountOpportunities { totalCount }
	openOpportunities: opportunitiesByAccountOpportunities(filter: {stage: {notIn: ["CLOSED_WON", "CLOSED_LOST"]}}) { totalCount } } } }`},

	{Name: "relay", ByAccount: true, Ours: benchdata.Influence, Theirs: `query($id: ID!) { node(id: $id) { ... on Account { name
	stakeholders: stakeholdersByAccountStakeholders(first: 50, orderBy: PRIMARY_KEY_ASC) { edges { cursor node { id name title rank influence
		influenceOut: influenceEdgesByStakeholderInfluenceOut(first: 20, orderBy: PRIMARY_KEY_ASC) { totalCount pageInfo { hasNextPage endCursor }
			edges { cursor node { id kind strength to: stakeholderByStakeholderInfluenceIn { id name } } } } } } } } } }`},

	// Fewer accounts, the other order, one level less, page sizes that cut, a count inside the list.
	{Name: "nested20", Ours: benchdata.Nested20,
		Theirs: `{ accounts(first: 20, orderBy: NAME_DESC) { nodes { name industry
	plans: accountPlansByAccountPlans(first: 1, orderBy: PRIMARY_KEY_ASC) { totalCount nodes { name status type
		goals: goalsByAccountPlanGoals(first: 1, orderBy: PRIMARY_KEY_ASC) { nodes { title dueAt } } } } } } }`},

	// Ten accounts' 500 people with a to-one edge (whom each reports to).
	{Name: "people", Ours: benchdata.People,
		Theirs: `{ accounts(first: 10, orderBy: NAME_ASC) { nodes { name
	stakeholders: stakeholdersByAccountStakeholders(first: 50, orderBy: PRIMARY_KEY_ASC) { nodes { name title department support buyingRole coverage
		reportsTo: stakeholderByStakeholderDirectReports { name } } } } } }`},

	// The last 100 accounts, 3 counts, one filtered by a single value.
	{Name: "counts3", Ours: benchdata.Counts3,
		Theirs: `{ accounts(first: 100, orderBy: NAME_DESC) { nodes { name
	opportunities: opportunitiesByAccountOpportunities { totalCount }
	wonDeals: opportunitiesByAccountOpportunities(condition: {stage: "CLOSED_WON"}) { totalCount }
	stakeholders: stakeholdersByAccountStakeholders { totalCount } } } }`},

	// Counts one level down: each plan's goals and each goal's objectives counted.
	{Name: "countsdeep", Ours: benchdata.CountsDeep,
		Theirs: `{ accounts(first: 50, orderBy: NAME_ASC) { nodes { name
	plans: accountPlansByAccountPlans(first: 5, orderBy: PRIMARY_KEY_ASC) { nodes { name
		goals: goalsByAccountPlanGoals(first: 5, orderBy: PRIMARY_KEY_ASC) { totalCount nodes { title
			objectives: objectivesByGoalObjectives { totalCount } } } } } } } }`},

	// The incoming direction, a larger page than there are people, and the far end's fields.
	{Name: "relayin", ByAccount: true, Ours: benchdata.RelayIn,
		Theirs: `query($id: ID!) { node(id: $id) { ... on Account { name
	stakeholders: stakeholdersByAccountStakeholders(first: 100, orderBy: PRIMARY_KEY_ASC) { totalCount edges { node { name
		influenceIn: influenceEdgesByStakeholderInfluenceIn(first: 10, orderBy: PRIMARY_KEY_ASC) { totalCount pageInfo { hasNextPage }
			edges { node { kind strength from: stakeholderByStakeholderInfluenceOut { name title rank } } } } } } } } } }`},

	// One account's plans, goals and objectives, each level counted: a small request of four levels.
	{Name: "deep", ByAccount: true, Ours: benchdata.Deep,
		Theirs: `query($id: ID!) { node(id: $id) { ... on Account { name
	plans: accountPlansByAccountPlans(first: 10, orderBy: PRIMARY_KEY_ASC) { totalCount nodes { name status
		goals: goalsByAccountPlanGoals(first: 10, orderBy: PRIMARY_KEY_ASC) { totalCount nodes { title target
			objectives: objectivesByGoalObjectives(first: 10, orderBy: PRIMARY_KEY_ASC) { totalCount nodes { title status dueAt } } } } } } } } }`},
	// The org map across accounts: each account's first people, whom they report to, and whom they influence.
	{Name: "orgwide", Ours: `{ accounts(first: 20, orderBy: {field: NAME}) { edges { node { name
	stakeholders(first: 10) { edges { node { name title reportsTo { name }
		influenceOut(first: 5) { totalCount edges { node { strength to { name department } } } } } } } } } } }`,
		Theirs: `{ accounts(first: 20, orderBy: NAME_ASC) { nodes { name
	stakeholders: stakeholdersByAccountStakeholders(first: 10, orderBy: PRIMARY_KEY_ASC) { nodes { name title
		reportsTo: stakeholderByStakeholderDirectReports { name }
		influenceOut: influenceEdgesByStakeholderInfluenceOut(first: 5, orderBy: PRIMARY_KEY_ASC) { totalCount
			nodes { strength to: stakeholderByStakeholderInfluenceIn { name department } } } } } } } }`},

	// A pipeline screen: every account's open deals, counted and listed.
	{Name: "deals", Ours: `{ accounts(first: 100, orderBy: {field: NAME}) { edges { node { name tier
	opportunities(first: 10, where: {stageNotIn: [CLOSED_WON, CLOSED_LOST]}) { totalCount edges { node { name amount stage openedAt } } } } } } }`,
		Theirs: `{ accounts(first: 100, orderBy: NAME_ASC) { nodes { name tier
	opportunities: opportunitiesByAccountOpportunities(first: 10, orderBy: PRIMARY_KEY_ASC, filter: {stage: {notIn: ["CLOSED_WON", "CLOSED_LOST"]}}) { totalCount
		nodes { name amount stage openedAt } } } } }`},

	// Backward: the last accounts by name and each one's last plans, counted.
	{Name: "backward", Ours: `{ accounts(last: 20, orderBy: {field: NAME}) { edges { node { name tier
	plans(last: 2) { totalCount pageInfo { hasPreviousPage } edges { node { name status } } } } } } }`,
		Theirs: `{ accounts(last: 20, orderBy: NAME_ASC) { nodes { name tier
	plans: accountPlansByAccountPlans(last: 2, orderBy: PRIMARY_KEY_ASC) { totalCount pageInfo { hasPreviousPage } nodes { name status } } } } }`},

	// The org map across accounts with every page at its largest: the largest request here.
	{Name: "orgbig", Ours: `{ accounts(first: 100, orderBy: {field: NAME}) { edges { node { name
	stakeholders(first: 50) { edges { node { name title reportsTo { name }
		influenceOut(first: 20) { totalCount edges { node { strength to { name } } } } } } } } } } }`,
		Theirs: `{ accounts(first: 100, orderBy: NAME_ASC) { nodes { name
	stakeholders: stakeholdersByAccountStakeholders(first: 50, orderBy: PRIMARY_KEY_ASC) { nodes { name title
		reportsTo: stakeholderByStakeholderDirectReports { name }
		influenceOut: influenceEdgesByStakeholderInfluenceOut(first: 20, orderBy: PRIMARY_KEY_ASC) { totalCount
			nodes { strength to: stakeholderByStakeholderInfluenceIn { name } } } } } } } }`},

	// One level: a short account list, the smallest request here.
	{Name: "list", Ours: benchdata.List,
		Theirs: `{ accounts(first: 10, orderBy: NAME_ASC) { nodes { name tier industry } } }`},
}
