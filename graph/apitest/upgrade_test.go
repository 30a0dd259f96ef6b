package apitest

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/ent/store/storetest"
	"github.com/accountplan/accountplan/graph"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// TestUpgrade opens databases written by the previous release with this
// code, which migrates them as the server does, checks that the migration
// changes indexes and adds only the columns of upgradeAdds, and asks them what that release was asked: the
// answers must be the same, byte for byte. Nothing is normalised: plan
// health is asked of the plans that are not ACTIVE only, since the time
// rules grade ACTIVE plans at the time of the request, and nothing else
// asked depends on the time.
//
// The fixture in testdata/upgrade was made by release 3fefaab (git worktree
// add /tmp/base 3fefaab): its demo data, the writes of upgradeWrites through
// its API, and its answers (<db>.jsonl.gz). For SQLite, in /tmp/base, then
// here while it serves, then once it has stopped (Ctrl-C):
//
//	go run . -demo -db /tmp/upgrade.db -addr 127.0.0.1:18431 -max-cost 0 -max-depth 0 -max-aliases 0 -max-tokens 0 -rate-limit 0
//	UPGRADE_RECORD=http://127.0.0.1:18431/query UPGRADE_DB=sqlite go test -run TestUpgrade ./graph/apitest/
//	gzip -9n < /tmp/upgrade.db > graph/apitest/testdata/upgrade/sqlite.db.gz
//
// For PostgreSQL the same on a new database (createdb upgrade; -db
// postgres://postgres@127.0.0.1:5432/upgrade?sslmode=disable; UPGRADE_DB=postgres), then
//
//	pg_dump --inserts --rows-per-insert=100 --no-owner --no-privileges -d upgrade | gzip -9n > graph/apitest/testdata/upgrade/postgres.sql.gz
func TestUpgrade(t *testing.T) {
	if url := os.Getenv("UPGRADE_RECORD"); url != "" {
		recordUpgrade(t, url, os.Getenv("UPGRADE_DB"))
		return
	}
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "old.db")
		if err := os.WriteFile(path, upgradeFixture(t, "sqlite.db.gz"), 0o644); err != nil {
			t.Fatal(err)
		}
		checkUpgrade(t, "sqlite", path)
	})
	t.Run("postgres", func(t *testing.T) {
		target := storetest.EmptyPostgresDatabase(t)
		restorePostgres(t, target, upgradeFixture(t, "postgres.sql.gz"))
		checkUpgrade(t, "postgres", target)
	})
}

// checkUpgrade checks that the migration finds nothing to change in the old
// database at target, then asks the questions and compares the answers with
// the old release's.
func checkUpgrade(t *testing.T, name, target string) {
	plan, err := store.Plan(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	// The old release left foreign keys without an index and built the
	// influence edges' unique index kind first: the migration adds the
	// indexes, rebuilds that one and adds the columns of upgradeAdds, and
	// changes nothing else.
	added := map[string]bool{}
	for line := range strings.Lines(strings.TrimSpace(plan)) {
		switch line = strings.TrimSpace(line); {
		case line == "" || indexMigration.MatchString(line) || newTable.MatchString(line):
		case slices.Contains(upgradeAdds[name], line):
			added[line] = true
		case name == "sqlite" && rebuilt(line):
		default:
			t.Errorf("the migration would change more than the old database's indexes and the added columns: %s", line)
		}
	}
	if len(added) != len(upgradeAdds[name]) {
		t.Errorf("the migration does not add %q:\n%s", upgradeAdds[name], plan)
	}

	want := readUpgradeAnswers(t, name+".jsonl.gz")
	for i := range want {
		want[i].Answer = mendAttendees(t, want[i].Answer)
	}
	e := newEnv(t, target, httpedge.Settings{Open: true, GraphQL: graph.Settings{Limits: noDocumentLimits()}})
	if plan, err := store.Plan(context.Background(), target); err != nil || strings.TrimSpace(plan) != "" {
		t.Errorf("the migrated database would be migrated again (%v):\n%s", err, plan)
	}
	checkUpgradedReviews(t, e)
	got := askUpgrade(t, e.url)
	if len(got) != len(want) {
		t.Fatalf("%d answers, the old release gave %d", len(got), len(want))
	}
	for i, a := range got {
		if a.Name != want[i].Name || !bytes.Equal(a.Answer, want[i].Answer) {
			t.Errorf("%s: the answer differs from the old release's %s at byte %d:\n got %s\nwant %s",
				a.Name, want[i].Name, diffAt(a.Answer, want[i].Answer), near(a.Answer, want[i].Answer), near(want[i].Answer, a.Answer))
		}
	}
}

// checkUpgradedReviews checks that every review of the old release became a
// HELD QBR of its plan's account, scheduled when it was held.
func checkUpgradedReviews(t *testing.T, e *env) {
	type review struct {
		Kind, Status, ScheduledAt, HeldAt string
		Account                           struct{ ID string }
		AccountPlan                       struct{ Account struct{ ID string } }
	}
	var all []review
	after := any(nil)
	for {
		page := mustAs[struct {
			Reviews struct {
				connection[review]
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}](e, `query($after: Cursor) { reviews(first: 100, after: $after) { edges { node { kind status scheduledAt heldAt account { id } accountPlan { account { id } } } } pageInfo { hasNextPage endCursor } } }`, map[string]any{"after": after})
		all = append(all, page.Reviews.nodes()...)
		if !page.Reviews.PageInfo.HasNextPage {
			break
		}
		after = page.Reviews.PageInfo.EndCursor
	}
	if len(all) == 0 {
		t.Fatal("the old database has no review")
	}
	for _, r := range all {
		if r.Kind != "QBR" || r.Status != "HELD" || r.ScheduledAt != r.HeldAt || r.Account.ID == "" || r.Account.ID != r.AccountPlan.Account.ID {
			t.Errorf("an upgraded review is not a HELD QBR of its plan's account, scheduled when held: %+v", r)
		}
	}
}

// upgradeRebuilds are the tables SQLite rebuilds, copying every row, to add
// the external ID and the change's origin: SQLite adds a column only at the
// end, and ent puts the new columns before the foreign keys of the edges.
// The answers after the migration, the same byte for byte, show nothing was lost.
// SQLite also rebuilds the metric segments, whose unique index gains a new
// column (has_plan), and the store then counts the totals anew.
var upgradeRebuilds = []string{"account_plans", "action_items", "business_units", "changes", "feedbacks", "influence_edges", "metric_segments", "products", "relationships", "revenue_records"}

// sqliteRebuild is a statement of a SQLite table rebuild; its last group that matched names the table.
var sqliteRebuild = regexp.MustCompile("^(?:CREATE TABLE `new_(\\w+)` \\(.*\\);|INSERT INTO sqlite_sequence \\(name, seq\\) VALUES \\(\"new_(\\w+)\", \\d+\\);|INSERT INTO `new_\\w+` \\(.*\\) SELECT .* FROM `(\\w+)`;|DROP TABLE `(\\w+)`;|ALTER TABLE `new_\\w+` RENAME TO `(\\w+)`;)$")

// rebuilt is the table a statement rebuilds, if it is one of upgradeRebuilds.
func rebuilt(line string) bool {
	m := sqliteRebuild.FindStringSubmatch(line)
	for _, table := range m[min(1, len(m)):] {
		if table != "" {
			return slices.Contains(upgradeRebuilds, table)
		}
	}
	return false
}

// upgradeAdds are the statements that migrate the old database to this
// release: nullable columns added since, which leave every old answer alone;
// and the reviews' account, kind, status and scheduled time (issue 17), filled
// before the migration (store.upgradeReviews) so that every old review is
// HELD, of its plan's account, scheduled when it was held, and answers as before.
// Store.Plan prints what the migration would run on the old database as it
// is, so SQLite's table copies list the columns before upgradeReviews.
var upgradeAdds = map[string][]string{
	"sqlite": {
		"ALTER TABLE `users` ADD COLUMN `deactivated_at` datetime NULL;",
		// Plans are rebuilt (upgradeRebuilds) for their external ID, with the calendar numbers of their periods, which the store fills.
		"ALTER TABLE \"reviews\" ADD COLUMN \"scheduled_at\" datetime NULL;",
		"ALTER TABLE \"reviews\" ADD COLUMN \"account_reviews\" integer NULL;",
		"UPDATE \"reviews\" SET \"scheduled_at\" = \"held_at\", \"account_reviews\" = (SELECT \"account_plans\" FROM \"account_plans\" WHERE \"account_plans\".\"id\" = \"reviews\".\"account_plan_reviews\");",
		"CREATE TABLE `new_reviews` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `kind` text NOT NULL DEFAULT ('QBR'), `status` text NOT NULL DEFAULT ('HELD'), `scheduled_at` datetime NOT NULL, `held_at` datetime NULL, `agenda` text NULL, `notes` text NULL, `decisions` text NULL, `account_reviews` integer NULL, `account_plan_reviews` integer NULL, CONSTRAINT `reviews_accounts_reviews` FOREIGN KEY (`account_reviews`) REFERENCES `accounts` (`id`) ON DELETE CASCADE, CONSTRAINT `reviews_account_plans_reviews` FOREIGN KEY (`account_plan_reviews`) REFERENCES `account_plans` (`id`) ON DELETE CASCADE);",
		"INSERT INTO sqlite_sequence (name, seq) VALUES (\"new_reviews\", 68719476736);",
		"INSERT INTO `new_reviews` (`id`, `created_at`, `updated_at`, `held_at`, `notes`, `account_plan_reviews`) SELECT `id`, `created_at`, `updated_at`, `held_at`, `notes`, `account_plan_reviews` FROM `reviews`;",
		"DROP TABLE `reviews`;",
		"ALTER TABLE `new_reviews` RENAME TO `reviews`;",
		"ALTER TABLE `users` ADD COLUMN `seniority` text NULL;",
		// A synced record's source time, on every type that has upserts (the others' tables are rebuilt).
		"ALTER TABLE `accounts` ADD COLUMN `source_updated_at` datetime NULL;",
		"ALTER TABLE `opportunities` ADD COLUMN `source_updated_at` datetime NULL;",
		"ALTER TABLE `stakeholders` ADD COLUMN `source_updated_at` datetime NULL;",
		"CREATE TABLE `review_customer_attendees` (`review_id` integer NOT NULL, `stakeholder_id` integer NOT NULL, PRIMARY KEY (`review_id`, `stakeholder_id`), CONSTRAINT `review_customer_attendees_review_id` FOREIGN KEY (`review_id`) REFERENCES `reviews` (`id`) ON DELETE CASCADE, CONSTRAINT `review_customer_attendees_stakeholder_id` FOREIGN KEY (`stakeholder_id`) REFERENCES `stakeholders` (`id`) ON DELETE CASCADE);",
	},
	"postgres": {
		`ALTER TABLE "action_items" ADD COLUMN "source_updated_at" timestamptz NULL, ADD COLUMN "external_id" character varying NULL, ADD COLUMN "review_action_items" bigint NULL, ADD CONSTRAINT "action_items_reviews_action_items" FOREIGN KEY ("review_action_items") REFERENCES "reviews" ("id") ON DELETE SET NULL;`,
		`ALTER TABLE "business_units" ADD COLUMN "source_updated_at" timestamptz NULL, ADD COLUMN "external_id" character varying NULL;`,
		`ALTER TABLE "accounts" ADD COLUMN "source_updated_at" timestamptz NULL;`,
		`ALTER TABLE "opportunities" ADD COLUMN "source_updated_at" timestamptz NULL;`,
		`ALTER TABLE "stakeholders" ADD COLUMN "source_updated_at" timestamptz NULL;`,
		`ALTER TABLE "changes" ADD COLUMN "subject_external_id" character varying NULL, ADD COLUMN "origin_token_id" bigint NULL, ADD COLUMN "origin_token_name" character varying NULL;`,
		`ALTER TABLE "feedbacks" ADD COLUMN "source_updated_at" timestamptz NULL, ADD COLUMN "external_id" character varying NULL;`,
		`ALTER TABLE "influence_edges" ADD COLUMN "source_updated_at" timestamptz NULL, ADD COLUMN "external_id" character varying NULL;`,
		`ALTER TABLE "products" ADD COLUMN "source_updated_at" timestamptz NULL, ADD COLUMN "external_id" character varying NULL;`,
		`ALTER TABLE "relationships" ADD COLUMN "source_updated_at" timestamptz NULL, ADD COLUMN "external_id" character varying NULL;`,
		`ALTER TABLE "revenue_records" ADD COLUMN "source_updated_at" timestamptz NULL, ADD COLUMN "external_id" character varying NULL;`,
		`ALTER TABLE "account_plans" ADD COLUMN "source_updated_at" timestamptz NULL, ADD COLUMN "external_id" character varying NULL, ADD COLUMN "period_start_day" bigint NULL, ADD COLUMN "period_start_month" bigint NULL, ADD COLUMN "period_start_quarter" bigint NULL, ADD COLUMN "period_start_year" bigint NULL, ADD COLUMN "period_end_day" bigint NULL, ADD COLUMN "period_end_month" bigint NULL;`,
		"ALTER TABLE \"reviews\" ADD COLUMN \"scheduled_at\" timestamptz NULL;",
		"ALTER TABLE \"reviews\" ADD COLUMN \"account_reviews\" bigint NULL;",
		"UPDATE \"reviews\" SET \"scheduled_at\" = \"held_at\", \"account_reviews\" = (SELECT \"account_plans\" FROM \"account_plans\" WHERE \"account_plans\".\"id\" = \"reviews\".\"account_plan_reviews\");",
		"ALTER TABLE \"users\" ADD COLUMN \"seniority\" character varying NULL, ADD COLUMN \"deactivated_at\" timestamptz NULL;",
		"ALTER TABLE \"reviews\" ALTER COLUMN \"held_at\" DROP NOT NULL, ALTER COLUMN \"account_plan_reviews\" DROP NOT NULL, ADD COLUMN \"kind\" character varying NOT NULL DEFAULT 'QBR', ADD COLUMN \"status\" character varying NOT NULL DEFAULT 'HELD', ADD COLUMN \"scheduled_at\" timestamptz NOT NULL, ADD COLUMN \"agenda\" character varying NULL, ADD COLUMN \"decisions\" character varying NULL, ADD COLUMN \"account_reviews\" bigint NULL, ADD CONSTRAINT \"reviews_accounts_reviews\" FOREIGN KEY (\"account_reviews\") REFERENCES \"accounts\" (\"id\") ON DELETE CASCADE;",
		"ALTER TABLE \"metric_segments\" ADD COLUMN \"has_plan\" bigint NULL;",
		"CREATE TABLE \"review_customer_attendees\" (\"review_id\" bigint NOT NULL, \"stakeholder_id\" bigint NOT NULL, PRIMARY KEY (\"review_id\", \"stakeholder_id\"), CONSTRAINT \"review_customer_attendees_review_id\" FOREIGN KEY (\"review_id\") REFERENCES \"reviews\" (\"id\") ON DELETE CASCADE, CONSTRAINT \"review_customer_attendees_stakeholder_id\" FOREIGN KEY (\"stakeholder_id\") REFERENCES \"stakeholders\" (\"id\") ON DELETE CASCADE);",
	},
}

// newTable is a statement that creates a table added since, which no old answer reads.
var newTable = regexp.MustCompile("^(CREATE TABLE|INSERT INTO sqlite_sequence \\(name, seq\\) VALUES \\() ?[`\"](" + strings.Join(upgradeNewTables, "|") + ")[`\"]")

// upgradeNewTables are the tables added since the old release.
var upgradeNewTables = []string{"webhook_endpoints", "webhook_events", "webhook_deliveries", "webhook_delivery_attempts", "org_map_signals"}

// indexMigration is a statement of the migration that changes only indexes.
var indexMigration = regexp.MustCompile(`^(CREATE (UNIQUE )?INDEX|DROP INDEX|PRAGMA foreign_keys = o(n|ff);)`)

// noDocumentLimits turns the document limits off: the questions are deep and wide.
func noDocumentLimits() graph.Limits {
	return graph.Limits{MaxDepth: new(0), MaxCost: new(0), MaxAliases: new(0), MaxTokens: new(0)}
}

// upgradeAnswer is one question's name and the response body, as the server sent it.
type upgradeAnswer struct {
	Name   string          `json:"name"`
	Answer json.RawMessage `json:"answer"`
}

// upgradeQuestions are asked in order; each can use the IDs the first answers.
var upgradeQuestions = []struct {
	name, query string
	vars        func(ids upgradeIDs) map[string]any
}{
	{"accounts", `{ accounts(first: 100) { totalCount edges { node {
		id createdAt updatedAt name externalID tier industry sellers region country maturity culture annualRevenue currency
		owner { id } parent { id } children(first: 100) { totalCount edges { node { id } } }
		businessUnits(first: 100) { edges { node { id name account { id } stakeholders(first: 100) { totalCount } } } }
		teamMembers(first: 100) { edges { node { id role account { id } user { id } } } }
		plans(first: 100) { totalCount edges { node { id } } }
		stakeholders(first: 100) { totalCount edges { node { id } } }
	} } } }`, nil},
	{"plans", `{ accountPlans(first: 100) { totalCount edges { node {
		id createdAt updatedAt version name type status periodStart periodEnd reviewCadence customerGoals challenges keyInitiatives competitors teamStructure
		account { id name } owner { id }
		goals(first: 100) { totalCount edges { node { id title description metric baseline target unit dueAt plan { id }
			objectives(first: 100) { totalCount edges { node { id title status dueAt goal { id } owner { id }
				kpis(first: 100) { totalCount edges { node { id name unit target currentValue objective { id }
					measurements(first: 100) { totalCount edges { node { id value measuredAt kpi { id } } } } } } }
				actionItems(first: 100) { totalCount edges { node { id } } } } } } } } }
		actionItems(first: 100) { totalCount edges { node { id title status dueAt completedAt plan { id } objective { id } owner { id } stakeholderOwner { id } } } }
		insights(first: 100) { totalCount edges { node { id kind text confirmed plan { id } stakeholder { id } } } }
		reviews(first: 100) { totalCount edges { node { id heldAt notes plan { id } attendees(first: 100) { edges { node { id } } } } } }
		swotItems(first: 100) { totalCount edges { node { id kind text plan { id } } } }
		feedback(first: 100) { totalCount edges { node { id } } }
		opportunities(first: 100) { totalCount edges { node { id plan { id } } } }
	} } } }`, nil},
	{"stakeholders", `{ stakeholders(first: 100) { totalCount edges { node {
		id name title department email rank influence politicalStatus support decisionOrientation adaptability buyingRole coverage
		account { id } businessUnit { id } reportsTo { id name }
		directReports(first: 100) { totalCount edges { node { id reportsTo { id } } } }
		influenceOut(first: 100) { totalCount edges { node { id kind strength note from { id } to { id } } } }
		influenceIn(first: 100) { totalCount edges { node { id from { id } } } }
		relationships(first: 100) { totalCount edges { node { id currentLevel desiredLevel lastContactAt user { id } stakeholder { id } } } }
		insights(first: 100) { totalCount } actionItems(first: 100) { totalCount } feedback(first: 100) { totalCount }
	} } } }`, nil},
	{"sales", `{ accounts(first: 100) { edges { node { id
		opportunities(first: 100) { totalCount edges { node { id name externalID amount currency stage openedAt closedAt account { id } plan { id } product { id } owner { id } } } }
		revenueRecords(first: 100) { totalCount edges { node { id periodStart periodEnd startingRevenue expansion contraction churn currency account { id } } } }
		whitespaceCells(first: 100) { totalCount edges { node { id status potentialValue currentValue competitor account { id } businessUnit { id } product { id } } } }
		feedback(first: 100) { totalCount edges { node { id kind score receivedAt account { id } plan { id } stakeholder { id } } } }
	} } } }`, nil},
	{"users", `{ users(first: 100) { edges { node { id name role
		ownedAccounts(first: 100) { totalCount edges { node { id owner { id } } } }
		ownedPlans(first: 100) { totalCount } teamMemberships(first: 100) { totalCount }
		ownedObjectives(first: 100) { totalCount edges { node { id owner { id } } } }
		actionItems(first: 100) { totalCount } ownedOpportunities(first: 100) { totalCount }
		relationships(first: 100) { totalCount edges { node { id stakeholder { id } } } }
		reviews(first: 100) { totalCount }
	} } } }`, nil},
	{"filters", `query($account: ID!) {
		goals(first: 100, where: {hasPlanWith: [{hasAccountWith: [{id: $account}]}]}) { totalCount }
		objectives(first: 100, where: {hasOwner: false}) { totalCount edges { node { id } } }
		withOwner: objectives(first: 100, where: {hasOwnerWith: [{role: EDITOR}]}) { totalCount }
		kpis(first: 100, where: {hasObjectiveWith: [{hasGoalWith: [{hasPlanWith: [{status: ACTIVE}]}]}]}) { totalCount }
		actionItems(first: 100, where: {hasPlanWith: [{hasAccountWith: [{id: $account}]}]}) { totalCount }
		insights(first: 100, where: {hasPlanWith: [{status: ACTIVE}]}) { totalCount }
		reviews(first: 100, where: {hasPlanWith: [{hasAccountWith: [{id: $account}]}]}) { totalCount }
		roots: stakeholders(first: 100, where: {hasReportsTo: false}) { totalCount }
		managed: stakeholders(first: 100, where: {hasReportsToWith: [{name: "Helen Zhao"}]}) { totalCount edges { node { id } } }
		influenceEdges(first: 100, where: {hasFromWith: [{hasAccountWith: [{id: $account}]}], hasToWith: [{support: SUPPORTER}]}) { totalCount }
		relationships(first: 100, where: {hasStakeholderWith: [{hasAccountWith: [{id: $account}]}]}) { totalCount }
		opportunities(first: 100, where: {hasAccountWith: [{tier: STRATEGIC}]}) { totalCount }
		revenueRecords(first: 100, where: {hasAccountWith: [{id: $account}]}) { totalCount }
		owned: accounts(first: 100, where: {hasOwner: true}) { totalCount }
		planned: accounts(first: 100, where: {hasPlansWith: [{status: ACTIVE}]}) { totalCount edges { node { id } } }
	}`, func(ids upgradeIDs) map[string]any { return map[string]any{"account": ids.northwind} }},
	{"health", `{
		accountPlans(first: 100, where: {statusNEQ: ACTIVE}) { edges { node { id status health { grade findings { rule severity message } } } } }
		accounts(first: 100) { edges { node { id planCoverage { grade findings { rule severity message } }
			icpFit { grade score reasons { attribute value grade message } } } } }
		tierReport { total tiers { tier count share guideShare suggested } }
	}`, nil},
	{"orgMap", `query($account: ID!) { orgMap(accountID: $account) {
		account { id name }
		nodes { id managerID depth directReportCount indirectReportCount keyPlayer influenceScore influenceRank
			stakeholder { id name account { id } reportsTo { id } businessUnit { id } }
			relationships { id currentLevel user { id } stakeholder { id } } }
		edges { kind fromID toID strength influenceEdgeID }
		nodeColumns { ids managerIDs names titles ranks influences politicalStatuses supports buyingRoles coverages depths
			directReportCounts indirectReportCounts keyPlayers influenceScores influenceRanks relationshipCounts }
		edgeColumns { kinds fromIDs toIDs strengths influenceEdgeIDs }
		roots { id }
		hiddenInfluencers { node { id } reason }
		keyPlayersNotSupporting { node { id } reason }
		uncoveredKeyPlayers { node { id } reason }
		decisionMakersWithoutSupportivePath { node { id } reason }
		singleThreading { singleThreaded contacts { id } supporters { id } reasons }
		health { grade reasons supportiveKeyPlayers { id } }
		influenceRanking { node { id } reason }
		decisionMakerPaths { stakeholder { id } path { status message warmth supportive hops { stakeholder { id } reverse warmth } } }
		dot mermaid
	} }`, func(ids upgradeIDs) map[string]any { return map[string]any{"account": ids.northwind} }},
	{"smallOrgMap", `query($account: ID!) { orgMap(accountID: $account) {
		nodes { id managerID influenceScore stakeholder { id } } edges { kind fromID toID strength influenceEdgeID }
		health { grade reasons } singleThreading { singleThreaded reasons } mermaid
	} }`, func(ids upgradeIDs) map[string]any { return map[string]any{"account": ids.contoso} }},
	{"paths", `query($from: ID!, $to: ID!, $elsewhere: ID!, $account: ID!) {
		influencePath(fromID: $from, toID: $to) { status message warmth supportive relationship { id user { id } }
			hops { stakeholder { id name account { id } } reverse warmth } }
		elsewhere: influencePath(fromID: $from, toID: $elsewhere) { status message }
		decisionMakerPaths(accountID: $account) { stakeholder { id } path { status warmth hops { stakeholder { id } } } }
	}`, func(ids upgradeIDs) map[string]any {
		return map[string]any{"from": ids.stakeholder("Olivia Grant"), "to": ids.stakeholder("Ingrid Solberg"),
			"elsewhere": ids.otherStakeholder, "account": ids.northwind}
	}},
	{"metricsTotals", `{ metrics(period: {start: "2020-01-01T00:00:00Z", end: "2030-01-01T00:00:00Z"}, groupBy: [TIER, QUARTER]) { ...report }
		byOwner: metrics(period: {start: "2020-01-01T00:00:00Z", end: "2030-01-01T00:00:00Z"}, groupBy: [OWNER, PLANNED, YEAR]) { ...report }
		planned: metrics(period: {start: "2020-01-01T00:00:00Z", end: "2030-01-01T00:00:00Z"}, filter: {planned: true}) { ...report }
	}` + metricsReport, nil},
	{"metricsRecords", `query($accounts: [ID!]) {
		metrics(period: {start: "2020-01-15T00:00:00Z", end: "2029-12-15T00:00:00Z"}, filter: {accountIDs: $accounts}, groupBy: [PLANNED, OWNER, QUARTER]) { ...report }
	}` + metricsReport, func(ids upgradeIDs) map[string]any {
		return map[string]any{"accounts": []string{ids.northwind, ids.contoso, ids.account("Litware Software")}}
	}},
	{"history", `query($account: ID!) {
		changes(first: 100) { totalCount edges { node { id at operation subjectType subjectID accountID actor { id } fields { field old new } } } }
		node(id: $account) { ... on Account { activity(first: 100) { totalCount edges { node { id subjectType operation } } } history(first: 100) { totalCount } } }
	}`, func(ids upgradeIDs) map[string]any { return map[string]any{"account": ids.northwind} }},
	{"nodes", `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id
		... on Account { owner { id } parent { id } }
		... on AccountPlan { account { id } owner { id } }
		... on Goal { goalPlan: plan { id } history(first: 100) { edges { node { operation fields { field old new } } } } }
		... on Objective { goal { id } owner { id } history(first: 100) { edges { node { operation fields { field old new } } } } }
		... on KPI { kpiObjective: objective { id } }
		... on ActionItem { itemPlan: plan { id } itemObjective: objective { id } owner { id } stakeholderOwner { id } }
		... on Insight { insightPlan: plan { id } insightStakeholder: stakeholder { id } }
		... on Review { reviewPlan: plan { id } }
		... on Stakeholder { account { id } reportsTo { id } businessUnit { id } history(first: 100) { totalCount } }
		... on InfluenceEdge { from { id } to { id } }
		... on Relationship { user { id } relationshipStakeholder: stakeholder { id } }
		... on Opportunity { account { id } opportunityPlan: plan { id } product { id } owner { id } }
		... on RevenueRecord { account { id } }
	} }`, func(ids upgradeIDs) map[string]any { return map[string]any{"ids": ids.nodes} }},
}

const metricsReport = `
fragment report on MetricsReport { periodStart periodEnd groupBy rows {
	tier owner { id } industry region planned periodStart periodEnd periodLabel currency accounts
	startingRevenue expansion contraction churn endingRevenue
	netRevenueRetention { value reason } grossRevenueRetention { value reason } revenueGrowth { value reason }
	startingAccounts retainedAccounts logoRetention { value reason }
	opportunitiesWon opportunitiesLost opportunitiesOpen wonAmount pipelineAmount winRate { value reason }
	salesCycleMedianDays { value reason } salesCycleMeanDays { value reason }
} }`

// idsQuestion is asked first: the records the other questions name.
const idsQuestion = `{
	accounts(first: 100) { edges { node { id name } } }
	users(first: 100) { edges { node { id name } } }
	accountPlans(first: 100) { edges { node { id name account { name } } } }
	stakeholders(first: 100) { edges { node { id name account { name } } } }
	firsts: goals(first: 1) { edges { node { id } } } lasts: goals(last: 1) { edges { node { id } } }
	objectives(first: 1) { edges { node { id } } } lastObjectives: objectives(last: 2) { edges { node { id } } }
	kpis(first: 1) { edges { node { id } } } actionItems(last: 1) { edges { node { id } } }
	insights(last: 1) { edges { node { id } } } reviews(last: 1) { edges { node { id } } }
	influenceEdges(last: 1) { edges { node { id } } } relationships(last: 1) { edges { node { id } } }
	opportunities(last: 1) { edges { node { id } } } revenueRecords(last: 1) { edges { node { id } } }
}`

// upgradeIDs are the IDs the questions and the writes name, read from the answer to idsQuestion.
type upgradeIDs struct {
	accounts, users, stakeholders        map[string]string
	plans                                map[string]string   // the last plan of each account, by its name
	byAccount                            map[string][]string // stakeholder IDs by account name
	northwind, contoso, otherStakeholder string
	nodes                                []string
}

func (ids upgradeIDs) account(name string) string     { return ids.accounts[name] }
func (ids upgradeIDs) stakeholder(name string) string { return ids.stakeholders[name] }

func readIDs(t *testing.T, body []byte) upgradeIDs {
	t.Helper()
	type nodes struct {
		Edges []struct {
			Node struct {
				ID, Name string
				Account  struct{ Name string }
			}
		}
	}
	var r struct{ Data map[string]nodes }
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	byName := func(key string) map[string]string {
		m := map[string]string{}
		for _, e := range r.Data[key].Edges {
			m[e.Node.Name] = e.Node.ID
		}
		return m
	}
	ids := upgradeIDs{accounts: byName("accounts"), users: byName("users"), plans: map[string]string{}, stakeholders: byName("stakeholders")}
	for _, e := range r.Data["accountPlans"].Edges { // the names start with the year
		ids.plans[e.Node.Account.Name] = e.Node.ID
	}
	ids.northwind, ids.contoso = ids.accounts["Northwind Robotics"], ids.accounts["Contoso Financial Group"]
	ids.byAccount = map[string][]string{}
	for _, e := range r.Data["stakeholders"].Edges {
		ids.byAccount[e.Node.Account.Name] = append(ids.byAccount[e.Node.Account.Name], e.Node.ID)
		if ids.otherStakeholder == "" && e.Node.Account.Name != "Northwind Robotics" {
			ids.otherStakeholder = e.Node.ID
		}
	}
	ids.nodes = []string{ids.northwind, ids.plans["Litware Software"], ids.stakeholder("Olivia Grant")}
	for _, key := range []string{"firsts", "lasts", "objectives", "lastObjectives", "kpis", "actionItems", "insights", "reviews",
		"influenceEdges", "relationships", "opportunities", "revenueRecords"} {
		for _, e := range r.Data[key].Edges {
			ids.nodes = append(ids.nodes, e.Node.ID)
		}
	}
	if ids.northwind == "" || ids.contoso == "" || ids.otherStakeholder == "" || len(ids.nodes) < 10 {
		t.Fatalf("the demo records are missing: %s", body)
	}
	return ids
}

// askUpgrade asks idsQuestion and then upgradeQuestions, and returns the answers.
func askUpgrade(t *testing.T, url string) []upgradeAnswer {
	t.Helper()
	body := upgradePost(t, url, idsQuestion, nil)
	ids := readIDs(t, body)
	answers := []upgradeAnswer{{"ids", body}}
	for _, q := range upgradeQuestions {
		var vars map[string]any
		if q.vars != nil {
			vars = q.vars(ids)
		}
		answers = append(answers, upgradeAnswer{q.name, upgradePost(t, url, q.query, vars)})
	}
	return answers
}

// post sends a GraphQL request that must succeed and returns the response body as sent.
func upgradePost(t *testing.T, url, query string, vars map[string]any) []byte {
	t.Helper()
	req, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(url, "application/json", bytes.NewReader(req))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var r struct{ Errors []any }
	if err := json.Unmarshal(body, &r); resp.StatusCode != http.StatusOK || err != nil || len(r.Errors) > 0 {
		t.Fatalf("HTTP %d: %s", resp.StatusCode, body)
	}
	return body
}

// upgradeWrites are made through the old release's API before its answers
// are recorded, so that the fixture holds the history of API writes and
// records that every changed edge links: links set, changed and cleared.
func upgradeWrites(t *testing.T, url string, ids upgradeIDs) {
	t.Helper()
	must := func(query string, vars map[string]any) map[string]any {
		var r struct{ Data map[string]any }
		if err := json.Unmarshal(upgradePost(t, url, query, vars), &r); err != nil {
			t.Fatal(err)
		}
		return r.Data
	}
	id := func(data map[string]any, field string) string { return get(data, field, "id").(string) }
	litware := ids.plans["Litware Software"]
	// A DRAFT plan is graded without the time rules: its health is the same whenever it is asked.
	must(`mutation($id: ID!) { updateAccountPlan(id: $id, input: {status: DRAFT}) { id } }`, map[string]any{"id": litware})
	goal := id(must(`mutation($plan: ID!) { createGoal(input: {title: "Upgrade goal", planID: $plan, target: "12.5", unit: "%"}) { id } }`,
		map[string]any{"plan": litware}), "createGoal")
	unowned := id(must(`mutation($goal: ID!) { createObjective(input: {title: "Objective nobody owns", goalID: $goal}) { id } }`,
		map[string]any{"goal": goal}), "createObjective")
	owned := id(must(`mutation($goal: ID!, $owner: ID!) { createObjective(input: {title: "Owned objective", goalID: $goal, ownerID: $owner}) { id } }`,
		map[string]any{"goal": goal, "owner": ids.users["Priya Raman"]}), "createObjective")
	kpi := id(must(`mutation($objective: ID!) { createKPI(input: {name: "Upgrade KPI", objectiveID: $objective, target: "40"}) { id } }`,
		map[string]any{"objective": owned}), "createKPI")
	must(`mutation($kpi: ID!) { createKPIMeasurement(input: {kpiID: $kpi, value: "12", measuredAt: "2026-01-15T00:00:00Z"}) { id } }`,
		map[string]any{"kpi": kpi})
	must(`mutation($id: ID!, $owner: ID!) { updateObjective(id: $id, input: {ownerID: $owner}) { id } }`,
		map[string]any{"id": unowned, "owner": ids.users["Sam Okafor"]})
	must(`mutation($id: ID!) { updateObjective(id: $id, input: {clearOwner: true}) { id } }`, map[string]any{"id": unowned})
	must(`mutation($plan: ID!, $objective: ID!, $who: ID!) { createActionItem(input: {title: "Upgrade item", planID: $plan, objectiveID: $objective,
		stakeholderOwnerID: $who, dueAt: "2026-01-10T00:00:00Z"}) { id } }`,
		map[string]any{"plan": litware, "objective": owned, "who": ids.stakeholdersOf("Litware Software")[0]})
	must(`mutation($plan: ID!, $who: ID!) { createInsight(input: {kind: OBSTACLE, text: "Budget freeze until Q3", planID: $plan, stakeholderID: $who}) { id } }`,
		map[string]any{"plan": litware, "who": ids.stakeholdersOf("Litware Software")[0]})
	must(`mutation($plan: ID!, $user: ID!) { createReview(input: {heldAt: "2026-02-02T10:00:00Z", notes: "Upgrade review", planID: $plan, attendeeIDs: [$user]}) { id } }`,
		map[string]any{"plan": litware, "user": ids.users["Priya Raman"]})

	// The org map: a new stakeholder, a relationship with them, an influence edge and a move.
	newcomer := id(must(`mutation($account: ID!, $manager: ID!) { createStakeholder(input: {name: "Upgrade Newcomer", title: "VP Operations",
		accountID: $account, reportsToID: $manager, rank: 3, influence: 5, politicalStatus: ASTUTE, support: SUPPORTER}) { id } }`,
		map[string]any{"account": ids.northwind, "manager": ids.stakeholder("Helen Zhao")}), "createStakeholder")
	must(`mutation($user: ID!, $who: ID!) { createRelationship(input: {userID: $user, stakeholderID: $who, currentLevel: TRUSTED_ADVISOR}) { id } }`,
		map[string]any{"user": ids.users["Maya Fischer"], "who": newcomer})
	must(`mutation($from: ID!, $to: ID!) { createInfluenceEdge(input: {fromID: $from, toID: $to, kind: INFLUENCES, strength: 4, note: "Upgrade edge"}) { id } }`,
		map[string]any{"from": newcomer, "to": ids.stakeholder("Ingrid Solberg")})
	must(`mutation($who: ID!, $manager: ID!) { moveStakeholders(input: {stakeholderIDs: [$who], managerID: $manager}) { manager { id } } }`,
		map[string]any{"who": ids.stakeholder("Olivia Grant"), "manager": newcomer})

	// Sales: an account changes owner; a deal and a revenue record under the DRAFT plan's account.
	must(`mutation($id: ID!, $owner: ID!) { updateAccount(id: $id, input: {ownerID: $owner}) { id } }`,
		map[string]any{"id": ids.contoso, "owner": ids.users["Sam Okafor"]})
	litwareAccount := ids.account("Litware Software")
	must(`mutation($account: ID!, $plan: ID!, $owner: ID!) { createOpportunity(input: {name: "Upgrade deal", accountID: $account, planID: $plan, ownerID: $owner,
		amount: 4200000, stage: CLOSED_WON, openedAt: "2025-03-01T00:00:00Z", closedAt: "2025-06-30T00:00:00Z"}) { id } }`,
		map[string]any{"account": litwareAccount, "plan": litware, "owner": ids.users["Priya Raman"]})
	must(`mutation($account: ID!) { createRevenueRecord(input: {accountID: $account, periodStart: "2021-01-01T00:00:00Z", periodEnd: "2021-04-01T00:00:00Z",
		startingRevenue: 10000000, expansion: 500000}) { id } }`, map[string]any{"account": litwareAccount})
	swot := must(`mutation($plan: ID!) { createSwotItem(input: {kind: THREAT, text: "Short-lived", planID: $plan}) { id } }`,
		map[string]any{"plan": litware})
	must(`mutation($id: ID!) { deleteSwotItem(id: $id) }`, map[string]any{"id": id(swot, "createSwotItem")})
}

func (ids upgradeIDs) stakeholdersOf(account string) []string { return ids.byAccount[account] }

// recordUpgrade writes the fixture's answers: it makes upgradeWrites through
// the old release's server at url, then asks it the questions.
func recordUpgrade(t *testing.T, url, db string) {
	if db != "sqlite" && db != "postgres" {
		t.Fatal("UPGRADE_DB must be sqlite or postgres")
	}
	upgradeWrites(t, url, readIDs(t, upgradePost(t, url, idsQuestion, nil)))
	var out bytes.Buffer
	for _, a := range askUpgrade(t, url) {
		name, _ := json.Marshal(a.Name)
		// Written by hand, so that the answer is stored as the server sent it.
		fmt.Fprintf(&out, "{\"name\":%s,\"answer\":%s}\n", name, bytes.TrimSpace(a.Answer))
	}
	var zipped bytes.Buffer
	z, _ := gzip.NewWriterLevel(&zipped, gzip.BestCompression)
	_, _ = z.Write(out.Bytes())
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "upgrade", db+".jsonl.gz"), zipped.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// oldAttendees is a review's attendees as the old release answered them.
var oldAttendees = regexp.MustCompile(`"attendees":\{"edges":(\[[^\]]*\])\}`)

// mendAttendees puts the attendees of the old release's answer in the order
// asked (their IDs'): it gave a review's attendees in the order they first
// came among all the reviews' rows (mended in ent/entc.go's m2mTemplate).
func mendAttendees(t *testing.T, answer []byte) []byte {
	type edge struct {
		Node struct {
			ID string `json:"id"`
		} `json:"node"`
	}
	return oldAttendees.ReplaceAllFunc(answer, func(m []byte) []byte {
		var edges []edge
		page := oldAttendees.FindSubmatch(m)[1]
		if err := json.Unmarshal(page, &edges); err != nil {
			t.Fatalf("attendees %s: %v", page, err)
		}
		slices.SortFunc(edges, func(a, b edge) int {
			x, _ := strconv.Atoi(a.Node.ID)
			y, _ := strconv.Atoi(b.Node.ID)
			return x - y
		})
		sorted, err := json.Marshal(edges)
		if err != nil {
			t.Fatal(err)
		}
		return []byte(`"attendees":{"edges":` + string(sorted) + `}`)
	})
}

func readUpgradeAnswers(t *testing.T, name string) []upgradeAnswer {
	t.Helper()
	var out []upgradeAnswer
	dec := json.NewDecoder(bytes.NewReader(upgradeFixture(t, name)))
	for dec.More() {
		var a upgradeAnswer
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, a)
	}
	return out
}

func upgradeFixture(t *testing.T, name string) []byte {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "upgrade", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// restorePostgres runs a plain pg_dump script in the database at target, a
// statement at a time, leaving out psql's meta-commands (\restrict).
func restorePostgres(t *testing.T, target string, script []byte) {
	t.Helper()
	db, err := sql.Open("pgx", target)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// One connection: the script sets the search path for the statements after it.
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, stmt := range dumpStatements(script) {
		if _, err := conn.ExecContext(context.Background(), stmt); err != nil {
			t.Fatalf("restoring the dump: %v\n%s", err, stmt)
		}
	}
}

// sqlStatements splits a pg_dump script into statements: at semicolons
// outside quotes and comments, leaving out comments and meta-command lines.
func dumpStatements(script []byte) []string {
	var (
		out []string
		cur strings.Builder
	)
	s := string(script)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case cur.Len() == 0 && (c == '\n' || c == ' ' || c == '\t'):
		case cur.Len() == 0 && c == '\\': // a meta-command: the rest of the line
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '-' && strings.HasPrefix(s[i:], "--"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(s) && (s[j] != c || strings.HasPrefix(s[j:], string([]byte{c, c}))) {
				if s[j] == c {
					j++ // a doubled quote
				}
				j++
			}
			cur.WriteString(s[i : j+1])
			i = j
		case c == '$' && strings.HasPrefix(s[i:], "$$"):
			end := strings.Index(s[i+2:], "$$")
			cur.WriteString(s[i : i+2+end+2])
			i += 2 + end + 1
		case c == ';':
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, cur.String())
	}
	return out
}

func diffAt(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// around is the part of a near its first difference from b.
func near(a, b []byte) string {
	i := diffAt(a, b)
	return string(a[max(0, i-120):min(len(a), i+120)])
}
