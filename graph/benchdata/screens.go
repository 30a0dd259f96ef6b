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
