package orgmap

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

func TestCache(t *testing.T) {
	people := func(n int) *snapshot { return &snapshot{people: make([]Node, n)} }
	c := NewCache(10 * nodeSize)
	c.keep(1, 3, people(4))
	if c.snapshot(1, 3) == nil || c.snapshot(1, 2) != nil || c.snapshot(1, 4) != nil || c.snapshot(2, 3) != nil {
		t.Fatal("a map is kept under its account and version only")
	}
	c.keep(1, 2, people(1))
	if len(c.snapshot(1, 3).people) != 4 || c.snapshot(1, 2) != nil {
		t.Error("an older version replaced a newer one")
	}
	c.KeepAnswer(1, 3, "q", []byte("{}"))
	if string(c.Answer(1, 3, "q")) != "{}" || c.Answer(1, 3, "other") != nil || c.Answer(1, 4, "q") != nil {
		t.Error("answers are kept under their account, version and key")
	}
	c.keep(1, 4, people(4))
	if c.snapshot(1, 3) != nil || c.Answer(1, 4, "q") != nil {
		t.Error("a newer version keeps the older one's map or answers")
	}

	// The least recently used go first when the budget is spent.
	c.keep(2, 1, people(4))
	c.snapshot(1, 4)
	c.keep(3, 1, people(4))
	if c.snapshot(1, 4) == nil || c.snapshot(2, 1) != nil || c.snapshot(3, 1) == nil {
		t.Error("the budget was kept by dropping the wrong map")
	}
	if c.used > c.budget {
		t.Errorf("%d bytes kept, over the budget of %d", c.used, c.budget)
	}
	c.KeepAnswer(3, 1, "big", make([]byte, c.budget))
	if c.Answer(3, 1, "big") != nil {
		t.Error("an answer of more than a quarter of the budget was kept")
	}

	var none *Cache
	none.keep(1, 1, people(1))
	none.KeepAnswer(1, 1, "q", []byte("{}"))
	if none.snapshot(1, 1) != nil || none.Answer(1, 1, "q") != nil {
		t.Error("a nil cache kept something")
	}
}

// TestCacheReadsOnce has many requests ask for a map not kept at once: the
// database is read once, and the requests after it find the map kept.
func TestCacheReadsOnce(t *testing.T) {
	c := NewCache(1 << 20)
	var reads atomic.Int32
	release := make(chan struct{})
	read := func(context.Context) (*snapshot, error) {
		reads.Add(1)
		<-release
		return &snapshot{people: make([]Node, 3)}, nil
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if s, err := c.load(context.Background(), 1, 1, read); err != nil || len(s.people) != 3 {
				t.Errorf("read: %v, %v", s, err)
			}
		})
	}
	for reads.Load() == 0 {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if n := reads.Load(); n != 1 || c.snapshot(1, 1) == nil {
		t.Errorf("%d reads, kept: %v", n, c.snapshot(1, 1) != nil)
	}
}
