package orgmap

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"golang.org/x/sync/errgroup"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/influenceedge"
	"github.com/accountplan/accountplan/ent/predicate"
	"github.com/accountplan/accountplan/ent/relationship"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// Loader reads org maps through an ent client, with a number of SQL
// statements that does not grow with the map: the account's map version, the
// stakeholders, the influence edges, the relationships with their users and
// stakeholders (three, unless the map read at that version is kept), and the
// stakeholder records when asked for.
type Loader struct {
	Client *ent.Client
	// Records prepares the query for the stakeholder records an answer shows,
	// e.g. to eager-load what a GraphQL request selects under them. When nil,
	// no records are read and Node.Stakeholder stays nil.
	Records func(*ent.StakeholderQuery) (*ent.StakeholderQuery, error)
	// Cache keeps the maps read; nil keeps none.
	Cache *Cache
}

// OrgMap reads the map of an account.
func (l Loader) OrgMap(ctx context.Context, accountID int) (*Map, error) {
	acc, err := l.Client.Account.Get(ctx, accountID)
	if ent.IsNotFound(err) {
		return nil, &clienterr.ReferenceError{Field: "accountID", Type: "Account", ID: accountID}
	}
	if err != nil {
		return nil, err
	}
	m, err := l.current(ctx, accountID, acc.MapVersion)
	if err != nil {
		return nil, err
	}
	m.Account = acc
	return m, l.records(ctx, m, stakeholder.AccountID(accountID))
}

// InfluencePath reads the warmest path between two stakeholders. IDs that
// name no stakeholder and stakeholders of two accounts are answers, not errors.
func (l Loader) InfluencePath(ctx context.Context, fromID, toID int) (*Path, error) {
	ends, err := l.Client.Stakeholder.Query().Where(stakeholder.IDIn(fromID, toID)).
		Select(stakeholder.FieldID, stakeholder.FieldName, stakeholder.FieldAccountID).All(ctx)
	if err != nil {
		return nil, err
	}
	var unknown []string
	for _, given := range []struct {
		field string
		id    int
	}{{"fromID", fromID}, {"toID", toID}} {
		if !slices.ContainsFunc(ends, func(e *ent.Stakeholder) bool { return e.ID == given.id }) {
			unknown = append(unknown, fmt.Sprintf("%s %d", given.field, given.id))
		}
	}
	switch {
	case len(unknown) > 0:
		return &Path{Status: UnknownStakeholder, Message: "No stakeholder has the ID given as " + strings.Join(unknown, " or ") + "."}, nil
	case ends[0].AccountID != ends[len(ends)-1].AccountID:
		return &Path{Status: DifferentAccounts, Message: fmt.Sprintf("%s and %s belong to different accounts; a path stays inside one account's map.", ends[0].Name, ends[1].Name)}, nil
	}
	version, err := l.Version(ctx, ends[0].AccountID)
	if err != nil {
		return nil, err
	}
	m, err := l.current(ctx, ends[0].AccountID, version)
	if err != nil {
		return nil, err
	}
	from, to := m.byID[fromID], m.byID[toID]
	if from == nil || to == nil { // deleted since the first statement
		return &Path{Status: UnknownStakeholder, Message: "One of the stakeholders was deleted while the path was sought."}, nil
	}
	p := m.InfluencePath(from, to)
	return p, l.records(ctx, m, stakeholder.IDIn(hopIDs(p)...))
}

// DecisionMakerPaths reads, for every decision maker and approver of the
// account, the warmest path from our relationships.
func (l Loader) DecisionMakerPaths(ctx context.Context, accountID int) ([]*DecisionMakerPath, error) {
	version, err := l.Version(ctx, accountID)
	if err != nil {
		return nil, err
	}
	m, err := l.current(ctx, accountID, version)
	if err != nil {
		return nil, err
	}
	paths := m.DecisionMakerPaths()
	var ids []int
	for _, d := range paths {
		ids = append(append(ids, d.Node.ID), hopIDs(d.Path)...)
	}
	return paths, l.records(ctx, m, stakeholder.IDIn(ids...))
}

// MoveStakeholdersInput names the stakeholders to move and their new manager.
type MoveStakeholdersInput struct {
	StakeholderIDs []int
	ManagerID      int
}

// MoveStakeholdersPayload is the moved stakeholders and their new manager.
type MoveStakeholdersPayload struct {
	Stakeholders []*ent.Stakeholder
	Manager      *ent.Stakeholder
}

// MoveStakeholders puts the stakeholders, and so everyone under them, under
// a new manager with one update, so that all move or none does when the
// client is a transaction's. The stakeholder hooks refuse a manager of
// another account or inside the moved subtrees.
func (l Loader) MoveStakeholders(ctx context.Context, in MoveStakeholdersInput) (*MoveStakeholdersPayload, error) {
	if len(in.StakeholderIDs) == 0 {
		return nil, &clienterr.InputError{Field: "stakeholderIDs", Message: "name at least one stakeholder to move"}
	}
	found, err := l.Client.Stakeholder.Query().Where(stakeholder.IDIn(in.StakeholderIDs...)).IDs(ctx)
	if err != nil {
		return nil, err
	}
	exists := make(map[int]bool, len(found))
	for _, id := range found {
		exists[id] = true
	}
	for _, id := range in.StakeholderIDs {
		if !exists[id] {
			return nil, &clienterr.ReferenceError{Field: "stakeholderIDs", Type: "Stakeholder", ID: id}
		}
	}
	err = l.Client.Stakeholder.Update().Where(stakeholder.IDIn(in.StakeholderIDs...)).SetReportsToID(in.ManagerID).Exec(ctx)
	// The hooks name the field of updateStakeholder; here it is managerID.
	var input *clienterr.InputError
	var reference *clienterr.ReferenceError
	switch {
	case errors.As(err, &input) && input.Field == "reportsToID":
		input.Field = "managerID"
	case errors.As(err, &reference) && reference.Field == "reportsToID":
		reference.Field = "managerID"
	}
	if err != nil {
		return nil, err
	}
	q := l.Client.Stakeholder.Query().Where(stakeholder.IDIn(slices.Concat(in.StakeholderIDs, []int{in.ManagerID})...))
	if l.Records != nil {
		if q, err = l.Records(q); err != nil {
			return nil, err
		}
	}
	records, err := q.All(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[int]*ent.Stakeholder, len(records))
	for _, s := range records {
		byID[s.ID] = s
	}
	p := &MoveStakeholdersPayload{Manager: byID[in.ManagerID]}
	for _, id := range in.StakeholderIDs {
		p.Stakeholders = append(p.Stakeholders, byID[id])
	}
	return p, nil
}

// Version reads the account's map version. It is read before the map, so
// that the map read is at least as new as the version it is kept under.
func (l Loader) Version(ctx context.Context, accountID int) (int, error) {
	v, err := l.Client.Account.Query().Where(account.ID(accountID)).Select(account.FieldMapVersion).Int(ctx)
	if ent.IsNotFound(err) {
		return 0, &clienterr.ReferenceError{Field: "accountID", Type: "Account", ID: accountID}
	}
	return v, err
}

// current is a map of its own, built from the account's map kept for the
// version or else read now (and kept).
func (l Loader) current(ctx context.Context, accountID, version int) (*Map, error) {
	s, err := l.Cache.load(ctx, accountID, version, func(ctx context.Context) (*snapshot, error) { return l.read(ctx, accountID) })
	if err != nil {
		return nil, err
	}
	return s.build(), nil
}

// read reads the map of an account: its stakeholders, the influence edges
// between them and our relationships with them. The statements are
// independent, so the edges, the longest, are read on a connection of their
// own while the stakeholders and relationships are read on another.
func (l Loader) read(ctx context.Context, accountID int) (*snapshot, error) {
	var (
		s snapshot
		g errgroup.Group
	)
	g.Go(func() (err error) {
		if s.people, err = l.people(ctx, accountID); err != nil {
			return err
		}
		s.ours, err = l.ourRelationships(ctx, accountID)
		return err
	})
	g.Go(func() (err error) {
		s.influence, err = l.influence(ctx, accountID)
		return err
	})
	return &s, g.Wait()
}

// people reads the stakeholders of an account: the attributes the map shows.
func (l Loader) people(ctx context.Context, accountID int) ([]Node, error) {
	// Filtering on the edge fields (the foreign keys) directly, here and in influence:
	// ent's HasAccountWith and HasFromWith test every row with a correlated
	// subquery, which made reading 20,000 edges take four times as long.
	columns := []string{stakeholder.FieldID, stakeholder.FieldReportsToID, stakeholder.FieldSupport, stakeholder.FieldBuyingRole,
		stakeholder.FieldRank, stakeholder.FieldInfluence, stakeholder.FieldPoliticalStatus, stakeholder.FieldCoverage}
	text := []string{stakeholder.FieldName, stakeholder.FieldTitle}
	var people []string
	err := l.Client.Stakeholder.Query().
		Where(stakeholder.AccountID(accountID)).
		Aggregate(packed(columns, text...)).
		Scan(ctx, &people)
	if err != nil {
		return nil, err
	}
	return unpack(people[0], len(columns)+len(text), func(r *row) Node {
		n := Node{ID: r.int()}
		if manager := r.int(); manager != 0 {
			n.ManagerID = &manager
		}
		n.Support, n.BuyingRole = stakeholder.Support(r.next()), stakeholder.BuyingRole(r.next())
		n.Rank, n.Influence = r.int(), r.int()
		n.PoliticalStatus, n.Coverage = stakeholder.PoliticalStatus(r.next()), stakeholder.Coverage(r.next())
		n.Name, n.Title = r.text(), r.text()
		return n
	})
}

// influence reads the influence edges from the stakeholders of an account,
// in the order they were recorded.
func (l Loader) influence(ctx context.Context, accountID int) ([]Edge, error) {
	var influence []string
	err := l.Client.InfluenceEdge.Query().
		Where(predicate.InfluenceEdge(ofAccount(influenceedge.FieldFromID, accountID))).
		Aggregate(packed([]string{influenceedge.FieldID, influenceedge.FieldFromID, influenceedge.FieldToID, influenceedge.FieldStrength, influenceedge.FieldKind})).
		Scan(ctx, &influence)
	if err != nil {
		return nil, err
	}
	edges, err := unpack(influence[0], 5, func(r *row) Edge {
		return Edge{InfluenceEdgeID: r.int(), FromID: r.int(), ToID: r.int(), Strength: r.int(), Kind: EdgeKind(r.next())}
	})
	// Whatever order the database aggregated them in.
	slices.SortFunc(edges, func(a, b Edge) int { return cmp.Compare(a.InfluenceEdgeID, b.InfluenceEdgeID) })
	return edges, err
}

// ourRelationships reads our relationships with the stakeholders of an
// account, the oldest first, with their users.
func (l Loader) ourRelationships(ctx context.Context, accountID int) ([]*ent.Relationship, error) {
	return l.Client.Relationship.Query().
		Where(predicate.Relationship(ofAccount(relationship.FieldStakeholderID, accountID))).
		Order(relationship.ByID()).
		WithUser().
		WithStakeholder(func(q *ent.StakeholderQuery) { q.Select(stakeholder.FieldID) }).
		All(ctx)
}

// packed reads every row a query selects as one string: the columns of a
// row joined by commas, the rows by semicolons, the free-text columns
// percent-escaped. go-sqlite3 pays a cgo call per column of every row, and
// ent's row scanner reflection per field; one string costs neither.
func packed(columns []string, text ...string) ent.AggregateFunc {
	return func(s *sql.Selector) string {
		var values []string
		for _, c := range columns {
			values = append(values, "coalesce(cast("+s.C(c)+" as text), '')")
		}
		for _, c := range text {
			values = append(values, "replace(replace(replace(coalesce("+s.C(c)+", ''), '%', '%25'), ',', '%2C'), ';', '%3B')")
		}
		concat := "group_concat"
		if s.Dialect() == dialect.Postgres {
			concat = "string_agg"
		}
		return fmt.Sprintf("coalesce(%s(%s, ';'), '')", concat, strings.Join(values, " || ',' || "))
	}
}

// row reads the fields of one packed row in order.
type row struct {
	rest string
	err  error
}

func (r *row) next() string {
	f, rest, _ := strings.Cut(r.rest, ",")
	r.rest = rest
	return f
}

// int reads a number; an empty field (NULL) reads as 0.
func (r *row) int() int {
	f := r.next()
	if f == "" {
		return 0
	}
	v, err := strconv.Atoi(f)
	r.fail(err)
	return v
}

// text reads a free-text field.
func (r *row) text() string {
	v, err := url.PathUnescape(r.next())
	r.fail(err)
	return v
}

// fail keeps the first error; cmp.Or, comparing interfaces generically, took
// a fifth of the time of unpacking 20,000 edges.
func (r *row) fail(err error) {
	if err != nil && r.err == nil {
		r.err = err
	}
}

// unpack reads what packed read, each row of n fields with read.
func unpack[T any](s string, n int, read func(*row) T) ([]T, error) {
	if s == "" {
		return nil, nil
	}
	out := make([]T, 0, strings.Count(s, ";")+1)
	r := &row{}
	for line := range strings.SplitSeq(s, ";") {
		if fields := strings.Count(line, ",") + 1; fields != n {
			return nil, fmt.Errorf("orgmap: a packed row has %d fields, want %d", fields, n)
		}
		*r = row{rest: line}
		v := read(r)
		if r.err != nil {
			return nil, fmt.Errorf("orgmap: reading a packed row: %w", r.err)
		}
		out = append(out, v)
	}
	return out, nil
}

// ofAccount keeps the rows whose column points at a stakeholder of the account.
func ofAccount(column string, accountID int) func(*sql.Selector) {
	return func(s *sql.Selector) {
		t := sql.Table(stakeholder.Table)
		s.Where(sql.In(s.C(column), sql.Select(t.C(stakeholder.FieldID)).From(t).Where(sql.EQ(t.C(stakeholder.FieldAccountID), accountID))))
	}
}

// records reads the records of the stakeholders where selects, onto the
// map's nodes and their relationships; nothing when Records is nil.
func (l Loader) records(ctx context.Context, m *Map, where predicate.Stakeholder) error {
	if l.Records == nil {
		return nil
	}
	q, err := l.Records(l.Client.Stakeholder.Query().Where(where))
	if err != nil {
		return err
	}
	records, err := q.All(ctx)
	if err != nil {
		return err
	}
	for _, s := range records {
		n := m.byID[s.ID]
		if n == nil { // added since the map was read
			continue
		}
		n.Stakeholder = s
		for _, r := range n.Relationships {
			r.Edges.Stakeholder = s
		}
	}
	return nil
}

// hopIDs are the IDs of the stakeholders on a path.
func hopIDs(p *Path) []int {
	ids := make([]int, len(p.Hops))
	for i, h := range p.Hops {
		ids[i] = h.Node.ID
	}
	return ids
}
