package orgmap

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/history/replay"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// OrgMapAt reads the map of an account now, or as it was at a time when given.
func (l Loader) OrgMapAt(ctx context.Context, accountID int, at *time.Time) (*Map, error) {
	if at == nil {
		return l.OrgMap(ctx, accountID)
	}
	return l.OrgMapAsOf(ctx, accountID, *at)
}

// OrgMapAsOf reads the map of an account as it was at a time: the map now
// (kept or read), rewound with the changes made since (see replay), so that
// every insight, path and picture is computed on that state. Three statements
// more than the map now (the account's creation time, the changes since and
// our users' changes since), and one when relationships deleted since need
// their users; the account's own fields and our users are as they were. A time
// before the account was created is refused with BAD_USER_INPUT (asOf).
func (l Loader) OrgMapAsOf(ctx context.Context, accountID int, at time.Time) (*Map, error) {
	h, err := replay.Since(ctx, l.Client, accountID, at, "asOf")
	if err != nil {
		return nil, err
	}
	acc, err := l.Client.Account.Get(ctx, accountID)
	if err != nil {
		return nil, err
	}
	s, err := l.Cache.load(ctx, accountID, acc.MapVersion, func(ctx context.Context) (*snapshot, error) { return l.read(ctx, accountID) })
	if err != nil {
		return nil, err
	}
	then, err := l.rewind(ctx, s, h)
	if err != nil {
		return nil, err
	}
	accounts, err := replay.Rewind(replay.Entity(ent.TypeAccount, l.Client.Account.Bare), ent.TypeAccount,
		replay.Records(ent.TypeAccount, []*ent.Account{acc}), h.Changes)
	if err != nil {
		return nil, err
	}
	m := then.build()
	if a := accounts[accountID]; a != nil {
		m.Account = a.Value
	} else {
		m.Account = acc
	}
	return m, l.recordsAsOf(ctx, m, h)
}

// rewind is the snapshot as it was before the history's changes.
func (l Loader) rewind(ctx context.Context, s *snapshot, h *replay.History) (*snapshot, error) {
	people := make([]*replay.Record[*Node], len(s.people))
	for i, n := range pointers(s.people) {
		people[i] = &replay.Record[*Node]{Value: n, Links: map[string]int{}}
	}
	nodes, err := replay.Rewind(nodeKind, ent.TypeStakeholder, people, h.Changes)
	if err != nil {
		return nil, err
	}
	influence := make([]*replay.Record[*Edge], len(s.influence))
	for i, e := range pointers(s.influence) {
		influence[i] = &replay.Record[*Edge]{Value: e, Links: map[string]int{}}
	}
	edges, err := replay.Rewind(edgeKind, ent.TypeInfluenceEdge, influence, h.Changes)
	if err != nil {
		return nil, err
	}
	rels, err := replay.Rewind(replay.Entity(ent.TypeRelationship, l.Client.Relationship.Bare), ent.TypeRelationship,
		replay.Records(ent.TypeRelationship, s.ours), h.Changes)
	if err != nil {
		return nil, err
	}
	out := &snapshot{}
	for _, n := range nodes {
		out.people = append(out.people, *n.Value)
	}
	for _, e := range edges {
		out.influence = append(out.influence, *e.Value)
	}
	slices.SortFunc(out.influence, func(a, b Edge) int { return cmp.Compare(a.InfluenceEdgeID, b.InfluenceEdgeID) })
	var known []*ent.User
	var ids []int
	for _, r := range rels {
		if u := r.Value.Edges.User; u != nil {
			known = append(known, u)
		}
		ids = append(ids, r.Link("userID"))
		out.ours = append(out.ours, r.Value)
	}
	slices.SortFunc(out.ours, func(a, b *ent.Relationship) int { return cmp.Compare(a.ID, b.ID) })
	users, err := replay.Users(ctx, l.Client, known, ids, h.At)
	if err != nil {
		return nil, err
	}
	for i, r := range out.ours {
		u := users[rels[r.ID].Link("userID")]
		if u == nil || u == r.Edges.User {
			continue
		}
		// A copy: the relationship may be the kept map's, shared by every request.
		c := *r
		c.Edges.User = u
		if c.Edges.Stakeholder == nil {
			c.Edges.Stakeholder = &ent.Stakeholder{ID: c.StakeholderID}
		}
		out.ours[i] = &c
	}
	// A relationship whose user the history cannot rebuild is not shown.
	out.ours = slices.DeleteFunc(out.ours, func(r *ent.Relationship) bool { return r.Edges.User == nil })
	return out, nil
}

// recordsAsOf reads the stakeholder records the answer shows, as they were.
func (l Loader) recordsAsOf(ctx context.Context, m *Map, h *replay.History) error {
	if l.Records == nil {
		return nil
	}
	ids := make([]int, 0, len(m.Nodes))
	for _, n := range m.Nodes {
		ids = append(ids, n.ID)
	}
	q, err := l.Records(l.Client.Stakeholder.Query().Where(stakeholder.IDIn(ids...)))
	if err != nil {
		return err
	}
	now, err := q.All(ctx)
	if err != nil {
		return err
	}
	then, err := replay.Rewind(replay.Entity(ent.TypeStakeholder, l.Client.Stakeholder.Bare), ent.TypeStakeholder,
		replay.Records(ent.TypeStakeholder, now), h.Changes)
	if err != nil {
		return err
	}
	people := map[int]ent.Noder{}
	for _, r := range then {
		n := m.byID[r.Value.ID]
		if n == nil {
			continue
		}
		n.Stakeholder = r.Value
		people[r.Value.ID] = r.Value
		for _, rel := range n.Relationships {
			rel.Edges.Stakeholder = r.Value
		}
	}
	// Their account and manager as they were: one deleted since has none now.
	find := func(typ string, id int) (ent.Noder, bool) {
		switch {
		case typ == ent.TypeAccount && m.Account != nil && id == m.Account.ID:
			return m.Account, true
		case typ == ent.TypeStakeholder:
			return people[id], true
		}
		return nil, false
	}
	for _, n := range people {
		n.(*ent.Stakeholder).PinLinks(find)
	}
	return nil
}

// nodeKind rewinds the stakeholders of a map: the fields the map reads.
var nodeKind = replay.Kind[*Node]{
	ID:    func(n *Node) int { return n.ID },
	New:   func(id int) *Node { return &Node{ID: id} },
	Clone: func(n *Node) *Node { c := *n; return &c },
	Set: func(n *Node, field string, v json.RawMessage) error {
		switch field {
		case "name":
			return decode(v, &n.Name)
		case "title":
			return decode(v, &n.Title)
		case "rank":
			return decode(v, &n.Rank)
		case "influence":
			return decode(v, &n.Influence)
		case "politicalStatus":
			return decode(v, &n.PoliticalStatus)
		case "support":
			return decode(v, &n.Support)
		case "buyingRole":
			return decode(v, &n.BuyingRole)
		case "coverage":
			return decode(v, &n.Coverage)
		case "reportsToID":
			id, err := replay.ID(v)
			n.ManagerID = nil
			if id != 0 {
				n.ManagerID = &id
			}
			return err
		}
		return nil
	},
}

// edgeKind rewinds the influence edges of a map.
var edgeKind = replay.Kind[*Edge]{
	ID:    func(e *Edge) int { return e.InfluenceEdgeID },
	New:   func(id int) *Edge { return &Edge{InfluenceEdgeID: id} },
	Clone: func(e *Edge) *Edge { c := *e; return &c },
	Set: func(e *Edge, field string, v json.RawMessage) (err error) {
		switch field {
		case "fromID":
			e.FromID, err = replay.ID(v)
		case "toID":
			e.ToID, err = replay.ID(v)
		case "strength":
			return decode(v, &e.Strength)
		case "kind":
			return decode(v, &e.Kind)
		}
		return err
	},
}

// decode sets *p to a value as the history wrote it; empty is the zero value.
func decode[T any](v json.RawMessage, p *T) error {
	var zero T
	*p = zero
	if len(v) == 0 {
		return nil
	}
	return json.Unmarshal(v, p)
}
