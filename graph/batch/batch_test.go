package batch

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
)

// recorder fetches the square of each ID and records the batches it was asked for.
type recorder struct {
	mu      sync.Mutex
	batches [][]int
	fail    error
}

func (r *recorder) fetch(_ context.Context, ids []int) (map[int]int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.batches = append(r.batches, slices.Sorted(slices.Values(ids)))
	if r.fail != nil {
		return nil, r.fail
	}
	out := map[int]int{}
	for _, id := range ids {
		if id != 404 {
			out[id] = id * id
		}
	}
	return out, nil
}

func TestLoaderLoadsNotedRowsTogether(t *testing.T) {
	ctx := context.Background()
	r := &recorder{}
	l := New(r.fetch)
	l.Note(1, 2, 3, 2)
	var wg sync.WaitGroup
	for id := 1; id <= 3; id++ {
		wg.Go(func() {
			if v, err := l.Load(ctx, id); err != nil || v != id*id {
				t.Errorf("Load(%d) = %d, %v", id, v, err)
			}
		})
	}
	wg.Wait()
	// A row nobody noted is loaded with the rows noted since.
	l.Note(3, 5)
	if v, _ := l.Load(ctx, 4); v != 16 {
		t.Errorf("Load(4) = %d", v)
	}
	if v, _ := l.Load(ctx, 5); v != 25 {
		t.Errorf("Load(5) = %d", v)
	}
	// A row fetch leaves out has the zero value.
	if v, err := l.Load(ctx, 404); v != 0 || err != nil {
		t.Errorf("Load(404) = %d, %v", v, err)
	}
	want := [][]int{{1, 2, 3}, {4, 5}, {404}}
	if !slices.EqualFunc(r.batches, want, slices.Equal) {
		t.Errorf("batches %v, want %v", r.batches, want)
	}
}

func TestLoaderFailure(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("boom")
	r := &recorder{fail: boom}
	l := New(r.fetch)
	l.Note(1, 2)
	for id := 1; id <= 3; id++ {
		if _, err := l.Load(ctx, id); !errors.Is(err, boom) {
			t.Errorf("Load(%d): %v, want boom", id, err)
		}
	}
	if len(r.batches) != 1 {
		t.Errorf("%d fetches after a failure, want 1", len(r.batches))
	}
}
