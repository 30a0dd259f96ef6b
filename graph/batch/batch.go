// Package batch loads derived data (plan health, ICP fit) for every row a
// GraphQL request shows in one go, without waiting on a timer.
//
// entgql reads all the rows a root field shows, nested edges included, before
// any field of those rows resolves. An ent interceptor notes their IDs in the
// request's Loader; the first field that asks for one row's data loads it
// for every row noted so far. A page therefore costs the same statements
// whatever its size. A dataloader that collects keys for a fixed time instead
// split its batches whenever the CPU was busy.
package batch

import (
	"context"
	"sync"
)

// Loader loads values by row ID for one request.
type Loader[V any] struct {
	fetch func(ctx context.Context, ids []int) (map[int]V, error)

	noteMu sync.Mutex
	noted  []int // rows read by the request, not loaded yet

	mu     sync.Mutex // held while loading, so that concurrent fields wait for one load
	values map[int]V
	err    error
}

// New returns a loader that loads with fetch; fetch may leave out IDs, whose value is then V's zero value.
func New[V any](fetch func(ctx context.Context, ids []int) (map[int]V, error)) *Loader[V] {
	return &Loader[V]{fetch: fetch, values: map[int]V{}}
}

// Note records rows the request read, for the next load.
func (l *Loader[V]) Note(ids ...int) {
	l.noteMu.Lock()
	l.noted = append(l.noted, ids...)
	l.noteMu.Unlock()
}

// Load returns the value of row id, loading it together with every row noted
// and not loaded yet. A failed load fails every later one of the request.
func (l *Loader[V]) Load(ctx context.Context, id int) (V, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if v, ok := l.values[id]; ok {
		return v, nil
	}
	if l.err != nil {
		var zero V
		return zero, l.err
	}
	l.noteMu.Lock()
	noted := append(l.noted, id)
	l.noted = nil
	l.noteMu.Unlock()
	ids := make([]int, 0, len(noted))
	seen := make(map[int]bool, len(noted))
	for _, n := range noted {
		if _, loaded := l.values[n]; !loaded && !seen[n] {
			seen[n] = true
			ids = append(ids, n)
		}
	}
	got, err := l.fetch(ctx, ids)
	if err != nil {
		l.err = err
		var zero V
		return zero, err
	}
	for _, n := range ids {
		l.values[n] = got[n]
	}
	return l.values[id], nil
}
