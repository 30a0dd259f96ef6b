package benchdata

// Screen is a request a frontend screen sends, as the benchmarks and the load tool send it.
type Screen struct {
	Name      string
	Query     string
	ByAccount bool // the query takes the first account's ID as $id
}

// Screens are issue 15's three request shapes.
var Screens = []Screen{
	{Name: "nested", Query: NestedLists},
	{Name: "counts", Query: NestedCounts},
	{Name: "relay", Query: Influence, ByAccount: true},
}

// NestedLists is a plan screen: 100 accounts, their plans, goals and objectives.
const NestedLists = `{ accounts(first: 100, orderBy: {field: NAME}) { edges { node { id name tier
	plans(first: 5) { edges { node { id name status periodStart periodEnd
		goals(first: 5) { edges { node { id title metric target dueAt
			objectives(first: 5) { edges { node { id title status dueAt } } } } } } } } } } } } }`

// NestedCounts is an account list with 8 counts per account, 5 of them filtered.
const NestedCounts = `{ accounts(first: 100, orderBy: {field: NAME}) { edges { node { id name
	plans(first: 1) { totalCount }
	activePlans: plans(first: 1, where: {status: ACTIVE}) { totalCount }
	stakeholders(first: 1) { totalCount }
	keyPlayers: stakeholders(first: 1, where: {politicalStatusIn: [AGILE, ASTUTE]}) { totalCount }
	supporters: stakeholders(first: 1, where: {supportIn: [MENTOR, SUPPORTER]}) { totalCount }
	decisionMakers: stakeholders(first: 1, where: {buyingRole: DECISION_MAKER}) { totalCount }
	opportunities(first: 1) { totalCount }
	openOpportunities: opportunities(first: 1, where: {stageNotIn: [CLOSED_WON, CLOSED_LOST]}) { totalCount } } } } }`

// Influence is an account's people with whom each influences, as a Relay org map screen pages them.
const Influence = `query($id: ID!) { node(id: $id) { ... on Account { name
	stakeholders(first: 50) { edges { cursor node { id name title rank influence
		influenceOut(first: 20) { totalCount pageInfo { hasNextPage endCursor }
			edges { cursor node { id kind strength to { id name } } } } } } } } } }`

// FirstAccount asks for the ID of the first account by name, the one the Relay screen reads.
const FirstAccount = `{ accounts(first: 1, orderBy: {field: NAME}) { edges { node { id } } } }`

// The load tool's other shapes (graph/loadtest), which the screen benchmarks send too.

// Deep is the load tool's deep shape: one account's plans, goals and objectives, each level counted.
const Deep = `query($id: ID!) { node(id: $id) { ... on Account { name
	plans(first: 10) { totalCount edges { node { name status
		goals(first: 10) { totalCount edges { node { title target
			objectives(first: 10) { totalCount edges { node { title status dueAt } } } } } } } } } } } }`

// Nested20 is the load tool's nested20 shape: 20 accounts, each one's first plan
// with their count, and that plan's first goal.
const Nested20 = `{ accounts(first: 20, orderBy: {field: NAME, direction: DESC}) { edges { node { name industry
	plans(first: 1) { totalCount edges { node { name status type
		goals(first: 1) { edges { node { title dueAt } } } } } } } } } }`

// RelayIn is the load tool's relayin shape: an account's first 100 people with
// their count, and the first 10 who influence each, with their count.
const RelayIn = `query($id: ID!) { node(id: $id) { ... on Account { name
	stakeholders(first: 100) { totalCount edges { node { name
		influenceIn(first: 10) { totalCount pageInfo { hasNextPage } edges { node { kind strength from { name title rank } } } } } } } } } }`

// People is the load tool's people shape: ten accounts' first 50 people each, with
// whom each reports to.
const People = `{ accounts(first: 10, orderBy: {field: NAME}) { edges { node { name
	stakeholders(first: 50) { edges { node { name title department support buyingRole coverage reportsTo { name } } } } } } } }`

// Counts3 is the load tool's counts3 shape: the last 100 accounts by name, 3 counts, one filtered.
const Counts3 = `{ accounts(first: 100, orderBy: {field: NAME, direction: DESC}) { edges { node { name
	opportunities(first: 1) { totalCount } wonDeals: opportunities(first: 1, where: {stage: CLOSED_WON}) { totalCount }
	stakeholders(first: 1) { totalCount } } } } }`

// CountsDeep is the load tool's countsdeep shape: counts one level down, each plan's
// goals and each goal's objectives counted.
const CountsDeep = `{ accounts(first: 50, orderBy: {field: NAME}) { edges { node { name
	plans(first: 5) { edges { node { name goals(first: 5) { totalCount edges { node { title objectives(first: 1) { totalCount } } } } } } } } } } }`

// List is the load tool's list shape: ten accounts, one level, the smallest request there.
const List = `{ accounts(first: 10, orderBy: {field: NAME}) { edges { node { name tier industry } } } }`
