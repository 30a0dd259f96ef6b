package orgmap

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/influenceedge"
	"github.com/accountplan/accountplan/ent/relationship"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// GenerateOptions size a generated account.
type GenerateOptions struct {
	Name           string // the account's name
	Stakeholders   int
	InfluenceEdges int
	Relationships  int    // our users' relationships, spread over the more senior people
	Seed           uint64 // the same seed gives the same account
}

// Generate writes a large, realistic account for benchmarks and load tests: a
// reporting tree seven or eight levels deep in which managers have 3 to 10
// direct reports, influence edges mostly between people close in the tree,
// key players thinning out down the tree, a few supporters and enemies among
// many neutrals, hidden influencers, decision makers and approvers near the
// top, and our relationships with senior people. It writes in one
// transaction and returns the account's ID.
func Generate(ctx context.Context, client *ent.Client, opts GenerateOptions) (int, error) {
	tx, err := client.Tx(ctx)
	if err != nil {
		return 0, err
	}
	id, err := generator{c: tx.Client(), rnd: rand.New(rand.NewPCG(opts.Seed, 1)), opts: opts}.account(ctx)
	if err != nil {
		return 0, errors.Join(err, tx.Rollback())
	}
	return id, tx.Commit()
}

func (g generator) account(ctx context.Context) (int, error) {
	acc, err := g.c.Account.Create().SetName(g.opts.Name).Save(ctx)
	if err != nil {
		return 0, err
	}
	if err := g.people(ctx, acc.ID); err != nil {
		return 0, fmt.Errorf("generate stakeholders: %w", err)
	}
	if err := g.influence(ctx); err != nil {
		return 0, fmt.Errorf("generate influence edges: %w", err)
	}
	if err := g.relationships(ctx, acc.ID); err != nil {
		return 0, fmt.Errorf("generate relationships: %w", err)
	}
	return acc.ID, nil
}

// batch keeps each bulk insert under SQLite's and PostgreSQL's limits on bind parameters.
const batch = 500

type generator struct {
	c       *ent.Client
	rnd     *rand.Rand
	opts    GenerateOptions
	ids     []int // in creation order: every manager before their reports
	manager []int // index into ids of each person's manager; -1 for the CEO
	depth   []int
}

// people grows the tree breadth first: the first two levels all manage a
// team, deeper people manage one with a probability that keeps the tree
// seven or eight levels deep at 5,000 people.
func (g *generator) people(ctx context.Context, account int) error {
	g.manager, g.depth = []int{-1}, []int{0}
	for i := 0; len(g.manager) < g.opts.Stakeholders && i < len(g.manager); i++ {
		if g.depth[i] >= 2 && g.rnd.Float64() > 0.45 {
			continue
		}
		for range 3 + g.rnd.IntN(8) {
			if len(g.manager) == g.opts.Stakeholders {
				break
			}
			g.manager, g.depth = append(g.manager, i), append(g.depth, g.depth[i]+1)
		}
	}
	// Insert level by level, so that every manager has an ID before their reports.
	g.ids = make([]int, len(g.manager))
	for level := 0; ; level++ {
		var idx []int
		for i, d := range g.depth {
			if d == level {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			return nil
		}
		for start := 0; start < len(idx); start += batch {
			part := idx[start:min(start+batch, len(idx))]
			creates := make([]*ent.StakeholderCreate, len(part))
			for j, i := range part {
				creates[j] = g.person(i, account)
			}
			saved, err := g.c.Stakeholder.CreateBulk(creates...).Save(ctx)
			if err != nil {
				return err
			}
			for j, i := range part {
				g.ids[i] = saved[j].ID
			}
		}
	}
}

// person draws the attributes of person i. Seniority follows depth; key
// players, buying roles and our coverage thin out down the tree; most people
// are neutral to us; about one in thirty junior people has far more
// influence than rank.
func (g *generator) person(i, account int) *ent.StakeholderCreate {
	r, depth := g.rnd, g.depth[i]
	rank := max(1, 5-max(0, depth-1))
	influence := min(5, max(1, rank+r.IntN(3)-1))
	if rank <= 2 && r.IntN(30) == 0 {
		influence = 5
	}
	status := pick(r, []stakeholder.PoliticalStatus{"NAIVE", "OBSERVER", "OBSERVER"})
	if keyPlayer := []float64{0.8, 0.7, 0.5, 0.2, 0.1}[min(depth, 4)]; r.Float64() < keyPlayer {
		status = pick(r, []stakeholder.PoliticalStatus{"AGILE", "AGILE", "ASTUTE"})
	}
	coverage := stakeholder.CoverageUNKNOWN
	if depth <= 3 || r.IntN(10) == 0 {
		coverage = pick(r, []stakeholder.Coverage{"UNKNOWN", "NO_CONTACT", "BRIEF_CONTACT", "BRIEF_CONTACT", "MULTIPLE_CONTACTS", "IN_DEPTH"})
	}
	c := g.c.Stakeholder.Create().SetAccountID(account).
		SetName(fmt.Sprintf("Person %d", i+1)).SetTitle(fmt.Sprintf("Level %d role", depth)).
		SetRank(rank).SetInfluence(influence).SetPoliticalStatus(status).SetCoverage(coverage).
		SetSupport(pick(r, []stakeholder.Support{"MENTOR", "SUPPORTER", "SUPPORTER", "SUPPORTER", "NEUTRAL", "NEUTRAL", "NEUTRAL", "NEUTRAL",
			"NEUTRAL", "NEUTRAL", "NEUTRAL", "NEUTRAL", "NEUTRAL", "NEUTRAL", "NON_SUPPORTER", "NON_SUPPORTER", "NON_SUPPORTER", "ENEMY"}))
	switch {
	case depth == 0:
		c.SetBuyingRole(stakeholder.BuyingRoleAPPROVER)
	case depth <= 2 && r.IntN(4) == 0:
		c.SetBuyingRole(pick(r, []stakeholder.BuyingRole{"DECISION_MAKER", "APPROVER"}))
	case r.IntN(3) == 0:
		c.SetBuyingRole(pick(r, []stakeholder.BuyingRole{"EVALUATOR", "INFLUENCER", "USER"}))
	}
	if i > 0 {
		c.SetReportsToID(g.ids[g.manager[i]])
	}
	return c
}

// influence draws edges, three in four between people close in the tree (a
// short walk up and down from the source), the rest across the company.
func (g *generator) influence(ctx context.Context) error {
	type key struct {
		from, to int
		kind     influenceedge.Kind
	}
	reports := make([][]int, len(g.ids))
	for i, m := range g.manager {
		if m >= 0 {
			reports[m] = append(reports[m], i)
		}
	}
	seen := map[key]bool{}
	var creates []*ent.InfluenceEdgeCreate
	flush := func() error {
		err := g.c.InfluenceEdge.CreateBulk(creates...).Exec(ctx)
		creates = creates[:0]
		return err
	}
	for len(seen) < g.opts.InfluenceEdges {
		from := g.rnd.IntN(len(g.ids))
		to := g.rnd.IntN(len(g.ids))
		if g.rnd.IntN(4) > 0 {
			to = from
			for range 1 + g.rnd.IntN(3) {
				if g.manager[to] >= 0 {
					to = g.manager[to]
				}
			}
			for range g.rnd.IntN(3) {
				if len(reports[to]) > 0 {
					to = reports[to][g.rnd.IntN(len(reports[to]))]
				}
			}
		}
		k := key{from, to, pick(g.rnd, []influenceedge.Kind{"INFLUENCES", "INFLUENCES", "INFLUENCES", "INFLUENCES", "INFLUENCES", "INFLUENCES", "INFORMAL", "CONFLICTS_WITH"})}
		if from == to || seen[k] {
			continue
		}
		seen[k] = true
		creates = append(creates, g.c.InfluenceEdge.Create().
			SetFromID(g.ids[from]).SetToID(g.ids[to]).SetKind(k.kind).SetStrength(1+g.rnd.IntN(5)))
		if len(creates) == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if len(creates) == 0 {
		return nil
	}
	return flush()
}

// relationships gives eight users of ours relationships with people in the
// top four levels, where sales teams spend their time.
func (g *generator) relationships(ctx context.Context, account int) error {
	users := make([]*ent.UserCreate, 8)
	for u := range users {
		users[u] = g.c.User.Create().SetName(fmt.Sprintf("Seller %d", u+1)).
			SetEmail(fmt.Sprintf("seller%d.account%d@example.com", u+1, account))
	}
	saved, err := g.c.User.CreateBulk(users...).Save(ctx)
	if err != nil {
		return err
	}
	var senior []int
	for i, d := range g.depth {
		if d <= 3 {
			senior = append(senior, i)
		}
	}
	type pair struct{ user, person int }
	seen := map[pair]bool{}
	var creates []*ent.RelationshipCreate
	for tries := 0; len(seen) < g.opts.Relationships && tries < 10*g.opts.Relationships; tries++ {
		p := pair{g.rnd.IntN(len(saved)), senior[g.rnd.IntN(len(senior))]}
		if seen[p] {
			continue
		}
		seen[p] = true
		creates = append(creates, g.c.Relationship.Create().SetUserID(saved[p.user].ID).SetStakeholderID(g.ids[p.person]).
			SetCurrentLevel(pick(g.rnd, []relationship.CurrentLevel{"VENDOR", "CREDIBLE_SOURCE", "PROBLEM_SOLVER", "TRUSTED_ADVISOR"})))
	}
	for start := 0; start < len(creates); start += batch {
		if err := g.c.Relationship.CreateBulk(creates[start:min(start+batch, len(creates))]...).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

func pick[T any](r *rand.Rand, from []T) T { return from[r.IntN(len(from))] }
