package apitest

// Rules that span rows hold when clients race: opposite re-parents of one
// hierarchy, a rule across records checked in code, and records created
// under a parent that is deleted at that moment. Each request of a race is
// answered success or a client error with a code (never INTERNAL), and the
// data keep every rule afterwards. On SQLite writers queue; on PostgreSQL
// they run at once, which is what these tests are for.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/icpcriterion"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// raceTrials is how many times each race runs: enough for concurrent
// writers without the locks to break a rule in nearly every run, few enough
// for a test of a few seconds.
const raceTrials = 12

// race sends the requests at once, each from its own goroutine, and returns
// the answers in the same order.
func (e *env) race(requests ...raceRequest) []result {
	e.t.Helper()
	start := make(chan struct{})
	out := make([]result, len(requests))
	errs := make([]error, len(requests))
	var wg sync.WaitGroup
	for i, r := range requests {
		wg.Go(func() {
			<-start
			out[i], errs[i] = e.post(r.query, r.vars)
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			e.t.Fatal(err)
		}
	}
	return out
}

type raceRequest struct {
	query string
	vars  map[string]any
}

// post is do for any goroutine: it returns what do would fail the test on.
func (e *env) post(query string, vars map[string]any) (result, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, e.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	var r result
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return result{}, fmt.Errorf("the answer is not JSON: %w", err)
	}
	r.Status = resp.StatusCode
	return r, nil
}

// lostRace checks that a request of a race succeeded or failed with one of
// the codes a race may cause: the rule's own refusal (code on field), or a
// retryable CONFLICT. It tells whether the request succeeded.
func lostRace(t *testing.T, r result, code, field string) bool {
	t.Helper()
	if len(r.Errors) == 0 {
		return true
	}
	for _, e := range r.Errors {
		got, _ := e.Extensions["code"].(string)
		gotField, _ := e.Extensions["field"].(string)
		switch {
		case got == code && gotField == field:
		case got == "CONFLICT" && e.Extensions["retryable"] == true:
		default:
			t.Errorf("a racing request got %s (field %q): %q; want success, %s on %s, or a retryable CONFLICT", got, gotField, e.Message, code, field)
		}
	}
	return false
}

// TestConcurrentReparentsFormNoCycle moves the nodes of a ring, each under
// the next, all at once (two nodes under each other, or three in a circle),
// in every hierarchy the API has: one move at most is refused as a cycle
// for every other to succeed, and no cycle is left.
func TestConcurrentReparentsFormNoCycle(t *testing.T) {
	ctx := context.Background()
	hierarchies := []struct {
		name  string
		field string
		move  string // moves $id under $parent
		nodes func(c *ent.Client, n int) []int
		// parent is the node's parent, 0 for none.
		parent func(c *ent.Client, id int) int
	}{{
		name:  "stakeholder reports to",
		field: "reportsToID",
		move:  `mutation($id: ID!, $parent: ID!) { updateStakeholder(id: $id, input: {reportsToID: $parent}) { id } }`,
		nodes: func(c *ent.Client, n int) []int {
			acc := c.Account.Create().SetName("Acme").SaveX(ctx)
			var ids []int
			for i := range n {
				ids = append(ids, c.Stakeholder.Create().SetName(fmt.Sprint("Person ", i)).SetAccount(acc).SaveX(ctx).ID)
			}
			return ids
		},
		parent: func(c *ent.Client, id int) int {
			up, _ := c.Stakeholder.Query().Where(stakeholder.ID(id)).QueryReportsTo().FirstID(ctx)
			return up
		},
	}, {
		name:  "account parent",
		field: "parentID",
		move:  `mutation($id: ID!, $parent: ID!) { updateAccount(id: $id, input: {parentID: $parent}) { id } }`,
		nodes: func(c *ent.Client, n int) []int {
			var ids []int
			for i := range n {
				ids = append(ids, c.Account.Create().SetName(fmt.Sprint("Division ", i)).SaveX(ctx).ID)
			}
			return ids
		},
		parent: func(c *ent.Client, id int) int {
			up, _ := c.Account.Query().Where(account.ID(id)).QueryParent().FirstID(ctx)
			return up
		},
	}}
	eachDatabase(t, func(t *testing.T, e *env) {
		for _, h := range hierarchies {
			t.Run(h.name, func(t *testing.T) {
				e := e.forSubtest(t)
				for trial := range raceTrials {
					ring := h.nodes(e.client, 2+trial%2)
					var moves []raceRequest
					for i, id := range ring {
						moves = append(moves, raceRequest{h.move, map[string]any{"id": gid(id), "parent": gid(ring[(i+1)%len(ring)])}})
					}
					refused := 0
					for _, r := range e.race(moves...) {
						if !lostRace(t, r, "BAD_USER_INPUT", h.field) {
							refused++
						}
					}
					if refused == 0 {
						t.Errorf("trial %d: every move of a ring of %d succeeded", trial, len(ring))
					}
					// Walking up from any node of the ring ends at a root.
					for _, id := range ring {
						seen := map[int]bool{}
						for cur := id; cur != 0; cur = h.parent(e.client, cur) {
							if seen[cur] {
								t.Fatalf("trial %d: %d is its own ancestor", trial, cur)
							}
							seen[cur] = true
						}
					}
				}
			})
		}
	})
}

// TestConcurrentRulesAcrossRecords writes, at once, two records that a rule
// across records allows one at a time but not together: one of them wins.
func TestConcurrentRulesAcrossRecords(t *testing.T) {
	ctx := context.Background()
	eachDatabase(t, func(t *testing.T, e *env) {
		t.Run("an ICP value is graded once", func(t *testing.T) {
			e := e.forSubtest(t)
			const create = `mutation($value: String!, $grade: IcpGrade!) { createIcpCriterion(input: {attribute: INDUSTRY, value: $value, grade: $grade}) { id } }`
			for trial := range raceTrials {
				value := "Industry " + strconv.Itoa(trial)
				wins := 0
				for _, r := range e.race(
					raceRequest{create, map[string]any{"value": value, "grade": "IDEAL"}},
					raceRequest{create, map[string]any{"value": value, "grade": "CAUTION"}},
				) {
					if lostRace(t, r, "BAD_USER_INPUT", "value") {
						wins++
					}
				}
				if n := e.client.IcpCriterion.Query().Where(icpcriterion.Value(value)).CountX(ctx); wins != 1 || n != 1 {
					t.Errorf("trial %d: %d creates won and %d criteria grade %q; want 1 and 1", trial, wins, n, value)
				}
			}
		})
	})
}

// TestCreateUnderVanishingParent creates records under a parent while the
// parent is deleted: a create runs before the delete (whose cascade takes
// the record along) or after it, refused NOT_FOUND on the field naming the
// parent; either way no record outlives its parent.
func TestCreateUnderVanishingParent(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		field   string
		parent  func(c *ent.Client, trial int) int
		remove  string // deletes $id
		creates []string
		// left counts the records under the parent, or whose field names it.
		left func(c *ent.Client, id int) int
	}{{
		name:   "account",
		field:  "accountID",
		parent: func(c *ent.Client, _ int) int { return c.Account.Create().SetName("Acme").SaveX(ctx).ID },
		remove: `mutation($id: ID!) { deleteAccount(id: $id) }`,
		creates: []string{
			`mutation($id: ID!) { createStakeholder(input: {name: "Sam", accountID: $id}) { id } }`,
			`mutation($id: ID!) { createAccountPlan(input: {name: "FY27", accountID: $id, periodStart: "2027-01-01T00:00:00Z", periodEnd: "2027-12-31T00:00:00Z"}) { id } }`,
			`mutation($id: ID!) { createOpportunity(input: {name: "Pilot", accountID: $id}) { id } }`,
			`mutation($id: ID!) { createBusinessUnit(input: {name: "Cloud", accountID: $id}) { id } }`,
		},
		left: func(c *ent.Client, id int) int {
			return c.Stakeholder.Query().Where(stakeholder.AccountID(id)).CountX(ctx) +
				c.AccountPlan.Query().Where(accountplan.AccountID(id)).CountX(ctx) +
				c.Account.Query().Where(account.ID(id)).QueryOpportunities().CountX(ctx) +
				c.Account.Query().Where(account.ID(id)).QueryBusinessUnits().CountX(ctx)
		},
	}, {
		name:  "plan",
		field: "planID",
		parent: func(c *ent.Client, _ int) int {
			acc := c.Account.Create().SetName("Acme").SaveX(ctx)
			return c.AccountPlan.Create().SetName("FY27").SetAccount(acc).SetPeriodStart(day("2027-01-01")).SetPeriodEnd(day("2027-12-31")).SaveX(ctx).ID
		},
		remove: `mutation($id: ID!) { deleteAccountPlan(id: $id) }`,
		creates: []string{
			`mutation($id: ID!) { createGoal(input: {title: "Grow", planID: $id}) { id } }`,
			`mutation($id: ID!) { createSwotItem(input: {kind: STRENGTH, text: "Trust", planID: $id}) { id } }`,
		},
		left: func(c *ent.Client, id int) int {
			return c.AccountPlan.Query().Where(accountplan.ID(id)).QueryGoals().CountX(ctx) +
				c.AccountPlan.Query().Where(accountplan.ID(id)).QuerySwotItems().CountX(ctx)
		},
	}, {
		name:  "owner",
		field: "ownerID",
		parent: func(c *ent.Client, trial int) int {
			return c.User.Create().SetName("Ada").SetEmail(fmt.Sprintf("ada%d@example.com", trial)).SaveX(ctx).ID
		},
		remove: `mutation($id: ID!) { deleteUser(id: $id) }`,
		creates: []string{
			`mutation($id: ID!) { createAccount(input: {name: "Acme", ownerID: $id}) { id } }`,
			`mutation($id: ID!) { createAccount(input: {name: "Beta", ownerID: $id}) { id } }`,
		},
		left: func(c *ent.Client, id int) int {
			return c.Account.Query().Where(account.OwnerID(id)).CountX(ctx)
		},
	}}
	eachDatabase(t, func(t *testing.T, e *env) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				e := e.forSubtest(t)
				for trial := range raceTrials {
					id := tc.parent(e.client, trial)
					vars := map[string]any{"id": gid(id)}
					requests := []raceRequest{{tc.remove, vars}}
					for _, q := range tc.creates {
						requests = append(requests, raceRequest{q, vars})
					}
					answers := e.race(requests...)
					deleted := lostRace(t, answers[0], "NOT_FOUND", "id")
					for _, r := range answers[1:] {
						lostRace(t, r, "NOT_FOUND", tc.field)
					}
					if left := tc.left(e.client, id); deleted && left > 0 {
						t.Errorf("trial %d: %d records outlived the %s they were created under", trial, left, tc.name)
					}
				}
			})
		}
	})
}

// TestCrossedWritesAreRetried sends two requests that each change two
// accounts, in opposite orders, at once: on PostgreSQL each waits for the
// account the other holds, and one is rolled back as a deadlock. The server
// runs it again, so both succeed, and the answer has nothing of the failed run.
func TestCrossedWritesAreRetried(t *testing.T) {
	ctx := context.Background()
	const both = `mutation($first: ID!, $second: ID!) {
		a: updateStakeholder(id: $first, input: {title: "Director"}) { id title }
		b: updateStakeholder(id: $second, input: {title: "Director"}) { id title }
	}`
	eachDatabase(t, func(t *testing.T, e *env) {
		for trial := range 3 {
			var people []string
			for _, name := range []string{"Acme", "Beta"} {
				acc := e.client.Account.Create().SetName(name).SaveX(ctx)
				people = append(people, gid(e.client.Stakeholder.Create().SetName("Sam").SetAccount(acc).SaveX(ctx).ID))
			}
			for i, r := range e.race(
				raceRequest{both, map[string]any{"first": people[0], "second": people[1]}},
				raceRequest{both, map[string]any{"first": people[1], "second": people[0]}},
			) {
				if len(r.Errors) > 0 || get(r.Data, "a", "title") != "Director" || get(r.Data, "b", "title") != "Director" {
					t.Errorf("trial %d, request %d: got %+v, %v; want both changes made", trial, i, r.Errors, r.Data)
				}
			}
		}
	})
}
