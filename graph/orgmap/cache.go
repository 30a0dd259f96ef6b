package orgmap

import (
	"container/list"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/accountplan/accountplan/ent"
)

// Cache keeps the maps read most recently, each under its account's map
// version (which every change to what a map shows moves, in the change's
// transaction), and the answers computed from them. A map is then read from
// the database once per change rather than once per question; reading one of
// 5,000 stakeholders and 20,000 edges takes longer than any question asked of
// it. The least recently used maps go first when the kept ones would take more
// than the budget. A nil *Cache keeps nothing.
type Cache struct {
	reads     singleflight.Group // one read of a map at a time, shared by whoever asks meanwhile
	mu        sync.Mutex
	budget    int
	used      int
	order     *list.List // of *kept, the most recently used first
	byAccount map[int]*list.Element
	// Lookups, counted for the server's metrics.
	mapHits, mapMisses, answerHits, answerMisses atomic.Uint64
}

// CacheStats are a cache's lookups since it was made and what it holds now.
type CacheStats struct {
	MapHits, MapMisses       uint64 // maps found kept, and read from the database
	AnswerHits, AnswerMisses uint64 // answers found kept, and not
	Bytes, Budget            int    // what the kept maps and answers take, roughly, and may take
	Accounts                 int    // accounts with a map or answers kept
}

// Stats are the cache's lookups and holdings; a nil *Cache has none.
func (c *Cache) Stats() CacheStats {
	if c == nil {
		return CacheStats{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{
		MapHits: c.mapHits.Load(), MapMisses: c.mapMisses.Load(),
		AnswerHits: c.answerHits.Load(), AnswerMisses: c.answerMisses.Load(),
		Bytes: c.used, Budget: c.budget, Accounts: c.order.Len(),
	}
}

// kept is what the cache holds for one account.
type kept struct {
	account, version int
	read             *snapshot
	answers          map[string][]byte
	size             int // bytes, roughly
}

// snapshot is a map as read: the stakeholders' attributes, the influence
// edges and our relationships. It is never changed: each question builds its
// own Map from it.
type snapshot struct {
	people    []Node
	influence []Edge
	ours      []*ent.Relationship
}

// sharedReadTimeout bounds a read of a map that several requests wait for.
const sharedReadTimeout = 30 * time.Second

// Rough sizes of what a snapshot holds, for the budget.
const (
	nodeSize         = 256
	edgeSize         = 80
	relationshipSize = 512
)

// NewCache keeps maps and answers up to about budget bytes.
func NewCache(budget int) *Cache {
	return &Cache{budget: budget, order: list.New(), byAccount: map[int]*list.Element{}}
}

// snapshot is the account's map read at version, if kept.
func (c *Cache) snapshot(account, version int) *snapshot {
	if k := c.get(account, version); k != nil {
		return k.read
	}
	return nil
}

// load is the account's map at version: kept, or read (once, however many
// ask for it at the same time) and kept. The read does not end with the
// request that started it, which would fail the others, but within
// sharedReadTimeout.
func (c *Cache) load(ctx context.Context, account, version int, read func(context.Context) (*snapshot, error)) (*snapshot, error) {
	if c == nil {
		return read(ctx)
	}
	if s := c.snapshot(account, version); s != nil {
		c.mapHits.Add(1)
		return s, nil
	}
	c.mapMisses.Add(1)
	s, err, _ := c.reads.Do(fmt.Sprint(account, "@", version), func() (any, error) {
		if s := c.snapshot(account, version); s != nil { // kept by a read that just ended
			return s, nil
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sharedReadTimeout)
		defer cancel()
		s, err := read(ctx)
		if err == nil {
			c.keep(account, version, s)
		}
		return s, err
	})
	if err != nil {
		return nil, err
	}
	return s.(*snapshot), nil
}

// keep holds the account's map as read at version. A newer version replaces
// what is kept, answers and all; an older one is not kept.
func (c *Cache) keep(account, version int, s *snapshot) {
	if c == nil {
		return
	}
	size := len(s.people)*nodeSize + len(s.influence)*edgeSize + len(s.ours)*relationshipSize
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byAccount[account]; ok {
		k := e.Value.(*kept)
		switch {
		case k.version > version || (k.version == version && k.read != nil):
			return
		case k.version == version: // answers kept, the map since evicted
			k.read, k.size, c.used = s, k.size+size, c.used+size
			c.order.MoveToFront(e)
			c.evict()
			return
		}
		c.remove(e)
	}
	c.add(&kept{account: account, version: version, read: s, answers: map[string][]byte{}, size: size})
}

// Answer is the answer kept under key for the account's map at version.
func (c *Cache) Answer(account, version int, key string) []byte {
	if c == nil {
		return nil
	}
	var answer []byte
	if k := c.get(account, version); k != nil {
		answer = c.answer(k, key)
	}
	if answer == nil {
		c.answerMisses.Add(1)
	} else {
		c.answerHits.Add(1)
	}
	return answer
}

// answer reads a kept answer under the lock that KeepAnswer writes them under.
func (c *Cache) answer(k *kept, key string) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return k.answers[key]
}

// KeepAnswer holds an answer computed from the account's map at version.
func (c *Cache) KeepAnswer(account, version int, key string, answer []byte) {
	if c == nil || len(key)+len(answer) > c.budget/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byAccount[account]
	if ok && e.Value.(*kept).version != version {
		if e.Value.(*kept).version > version {
			return
		}
		c.remove(e)
		ok = false
	}
	if !ok {
		c.add(&kept{account: account, version: version, answers: map[string][]byte{}})
		e = c.byAccount[account]
	}
	k := e.Value.(*kept)
	if old, ok := k.answers[key]; ok {
		k.size -= len(key) + len(old)
		c.used -= len(key) + len(old)
	}
	k.answers[key] = answer
	k.size += len(key) + len(answer)
	c.used += len(key) + len(answer)
	c.order.MoveToFront(e)
	c.evict()
}

// get is what is kept for the account at version, marked as just used.
func (c *Cache) get(account, version int) *kept {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byAccount[account]
	if !ok || e.Value.(*kept).version != version {
		return nil
	}
	c.order.MoveToFront(e)
	return e.Value.(*kept)
}

func (c *Cache) add(k *kept) {
	c.byAccount[k.account] = c.order.PushFront(k)
	c.used += k.size
	c.evict()
}

func (c *Cache) remove(e *list.Element) {
	k := c.order.Remove(e).(*kept)
	delete(c.byAccount, k.account)
	c.used -= k.size
}

// evict drops the least recently used until the rest fit the budget.
func (c *Cache) evict() {
	for c.used > c.budget && c.order.Len() > 0 {
		c.remove(c.order.Back())
	}
}

// build makes a Map of its own from the snapshot: fresh nodes, edges and
// relationships, which the question may fill in.
func (s *snapshot) build() *Map {
	nodes, edges := pointers(s.people), pointers(s.influence)
	m := New(nil, nodes, edges)
	// The map's statements are not one snapshot: skip anyone added since the first.
	for _, r := range s.ours {
		if n := m.byID[r.Edges.Stakeholder.ID]; n != nil {
			own := *r
			n.Relationships = append(n.Relationships, &own)
		}
	}
	return m
}

// pointers copies values and points at the copies.
func pointers[T any](values []T) []*T {
	copied := make([]T, len(values))
	copy(copied, values)
	out := make([]*T, len(copied))
	for i := range copied {
		out[i] = &copied[i]
	}
	return out
}
