// Package bulk lets one call that writes many records (a CRM upsert) share,
// across the mutations it runs, what every mutation would otherwise redo
// per record: the advisory locks already held, the records already known to
// exist and the account each belongs to, and the derived rows (the change
// history, the accounts whose map version moves), which are written once at
// the end of the call instead of once per record.
//
// A context without a Call behaves exactly as before: every hook asks the
// database and writes its derived rows itself.
package bulk

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/privacy"
)

// Call is what the mutations of one bulk call share. Its methods are safe on
// a nil Call, which knows nothing and defers nothing.
type Call struct {
	mu      sync.Mutex
	locked  map[int64]bool
	known   map[key]int // record → its account (0 for none)
	allowed map[int]bool
	changes []*gen.ChangeCreate
	maps    map[int]bool
	held    map[string]map[int]bool
	memo    map[string]int
	expect  []int
	flush   []named // run by Flush, in the order first registered
	undo    []named // run by RolledBack
}

// named is work registered once per name.
type named struct {
	name string
	fn   func(ctx context.Context, client *gen.Client) error
}

type key struct {
	typ string
	id  int
}

type ctxKey struct{}

// NewContext returns ctx carrying a new Call.
func NewContext(ctx context.Context) (context.Context, *Call) {
	c := &Call{locked: map[int64]bool{}, known: map[key]int{}, allowed: map[int]bool{}, maps: map[int]bool{}, held: map[string]map[int]bool{}, memo: map[string]int{}}
	return context.WithValue(ctx, ctxKey{}, c), c
}

// FromContext is the Call of ctx, or nil.
func FromContext(ctx context.Context) *Call {
	c, _ := ctx.Value(ctxKey{}).(*Call)
	return c
}

// Lock tells whether the advisory lock must still be taken, and notes it
// as taken: a transaction-scoped lock is held until the call commits.
func (c *Call) Lock(k int64) bool {
	if c == nil {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.locked[k] {
		return false
	}
	c.locked[k] = true
	return true
}

// Know notes that the record exists and belongs to the account (0 for none).
func (c *Call) Know(typ string, id, accountID int) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.known[key{typ, id}] = accountID
	c.mu.Unlock()
}

// AccountOf is the account of a record known to exist.
func (c *Call) AccountOf(typ string, id int) (int, bool) {
	if c == nil {
		return 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	acc, ok := c.known[key{typ, id}]
	return acc, ok
}

// Allow notes that the viewer may change the account and what is under it.
func (c *Call) Allow(accountID int) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.allowed[accountID] = true
	c.mu.Unlock()
}

// Allowed tells whether the viewer was found to be allowed to change the account.
func (c *Call) Allowed(accountID int) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.allowed[accountID]
}

// Expect names the accounts of the records the next write creates, so that
// a hook that works on accounts before their first write does it for all of
// them at once (the totals take them out in one go); nil when it is done.
func (c *Call) Expect(accounts []int) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.expect = accounts
	c.mu.Unlock()
}

// Expected are the accounts Expect named.
func (c *Call) Expected() []int {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.expect)
}

// Remember is what find returns for the key, found once per call: what a
// hook reads of a record the call does not change (an objective's plan).
func (c *Call) Remember(key string, find func() (int, error)) (int, error) {
	if c == nil {
		return find()
	}
	c.mu.Lock()
	v, ok := c.memo[key]
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := find()
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	c.memo[key] = v
	c.mu.Unlock()
	return v, nil
}

// DeferChanges keeps history entries for Flush; false without a Call.
func (c *Call) DeferChanges(changes []*gen.ChangeCreate) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	c.changes = append(c.changes, changes...)
	c.mu.Unlock()
	return true
}

// DeferMaps keeps the accounts whose map version moves for Flush; false without a Call.
func (c *Call) DeferMaps(accounts []int) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	for _, id := range accounts {
		c.maps[id] = true
	}
	c.mu.Unlock()
	return true
}

// Hold notes the IDs in the named set and returns those it did not hold
// yet: a hook does its work before the first write of each, once per call.
func (c *Call) Hold(set string, ids []int) []int {
	if c == nil {
		return ids
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.held[set] == nil {
		c.held[set] = map[int]bool{}
	}
	var fresh []int
	for _, id := range ids {
		if !c.held[set][id] {
			c.held[set][id] = true
			fresh = append(fresh, id)
		}
	}
	return fresh
}

// Held are the IDs of the named set, in order.
func (c *Call) Held(set string) []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]int, 0, len(c.held[set]))
	for id := range c.held[set] {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// OnFlush registers work for Flush, once per name.
func (c *Call) OnFlush(name string, fn func(ctx context.Context, client *gen.Client) error) {
	c.register(&c.flush, name, fn)
}

// OnRollback registers work to redo after a write of the call was rolled
// back to a savepoint, once per name: what that write undid of the hooks' work.
func (c *Call) OnRollback(name string, fn func(ctx context.Context, client *gen.Client) error) {
	c.register(&c.undo, name, fn)
}

func (c *Call) register(list *[]named, name string, fn func(ctx context.Context, client *gen.Client) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range *list {
		if n.name == name {
			return
		}
	}
	*list = append(*list, named{name, fn})
}

// RolledBack runs the work registered with OnRollback.
func (c *Call) RolledBack(ctx context.Context, client *gen.Client) error {
	c.mu.Lock()
	undo := slices.Clone(c.undo)
	c.mu.Unlock()
	for _, n := range undo {
		if err := n.fn(ctx, client); err != nil {
			return err
		}
	}
	return nil
}

// changesPerStatement keeps an INSERT of history entries under SQLite's and
// PostgreSQL's limits on bound parameters (9 columns each).
const changesPerStatement = 3000

// Flush writes what the call deferred: the history entries, a few thousand
// per statement, one move of each touched account's map version, and the
// work registered with OnFlush (the metric totals of the accounts written).
func (c *Call) Flush(ctx context.Context, client *gen.Client) error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	changes, maps, flush := c.changes, c.maps, c.flush
	c.changes, c.maps, c.flush = nil, map[int]bool{}, nil
	c.mu.Unlock()
	for _, n := range flush {
		if err := n.fn(ctx, client); err != nil {
			return err
		}
	}
	// The history is written by the server alone.
	allow := privacy.DecisionContext(ctx, privacy.Allow)
	for chunk := range slices.Chunk(changes, changesPerStatement) {
		if err := client.Change.CreateBulk(chunk...).Exec(allow); err != nil {
			return err
		}
	}
	if len(maps) == 0 {
		return nil
	}
	ids := make([]string, 0, len(maps))
	for id := range maps {
		ids = append(ids, strconv.Itoa(id))
	}
	slices.Sort(ids)
	// As mapversion's own bump: numbers read from the database, written into the text.
	_, err := client.ExecContext(ctx, "UPDATE "+account.Table+" SET "+account.FieldMapVersion+" = "+account.FieldMapVersion+
		" + 1 WHERE "+account.FieldID+" IN ("+strings.Join(ids, ", ")+")")
	return err
}
