package reviews

import (
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2027, time.January, 1, 0, 0, 0, 0, time.UTC)

func at(d int) time.Time   { return t0.AddDate(0, 0, d) }
func ptr(d int) *time.Time { v := at(d); return &v }

func TestPrevious(t *testing.T) {
	held := []Meeting{
		{ID: 1, Account: 1, Held: true, At: at(10)},
		{ID: 2, Account: 1, Held: true, At: at(40)},
		{ID: 3, Account: 1, Held: true, At: at(40)},  // same time, higher ID: after 2
		{ID: 4, Account: 2, Held: true, At: at(50)},  // another account
		{ID: 5, Account: 1, Held: false, At: at(45)}, // cancelled or scheduled: never previous
	}
	cases := []struct {
		name string
		r    Meeting
		want int // 0: none
	}{
		{"the first", held[0], 0},
		{"at the same time, the lower ID", held[2], 2},
		{"the latest before", Meeting{ID: 9, Account: 1, At: at(41)}, 3},
		{"not of another account", Meeting{ID: 9, Account: 2, At: at(60)}, 4},
		{"a scheduled one skips the unheld", Meeting{ID: 9, Account: 1, At: at(100)}, 3},
		{"before every review", Meeting{ID: 9, Account: 1, At: at(5)}, 0},
	}
	for _, c := range cases {
		got, ok := Previous(c.r, held)
		if (c.want == 0) == ok || ok && got.ID != c.want {
			t.Errorf("%s: got %d (%v), want %d", c.name, got.ID, ok, c.want)
		}
	}
}

func TestSince(t *testing.T) {
	prev := Meeting{ID: 7, Account: 1, Held: true, At: at(10)}
	raised := 7
	items := []Item{
		{ID: 1, CreatedAt: at(0), DueAt: ptr(30)},                          // open since prev
		{ID: 2, CreatedAt: at(0)},                                          // open, no due date: after the dated, by ID
		{ID: 3, CreatedAt: at(0), DueAt: ptr(5)},                           // open, due first
		{ID: 4, CreatedAt: at(0), CompletedAt: ptr(8)},                     // done before prev
		{ID: 5, CreatedAt: at(0), CompletedAt: ptr(15)},                    // done since
		{ID: 6, CreatedAt: at(0), CompletedAt: ptr(25)},                    // done after this review: still open at it
		{ID: 7, CreatedAt: at(0), Canceled: true},                          // canceled
		{ID: 8, CreatedAt: at(12), Review: &raised},                        // raised by prev, entered after it
		{ID: 9, CreatedAt: at(12)},                                         // new since prev, not carried
		{ID: 10, CreatedAt: at(12), CompletedAt: ptr(14), Review: &raised}, // raised by prev and done since
	}
	ids := func(its []Item) []int {
		out := []int{}
		for _, it := range its {
			out = append(out, it.ID)
		}
		return out
	}
	open, done := Since(items, at(20), prev, true)
	if want := []int{3, 1, 2, 6, 8}; !slices.Equal(ids(open), want) {
		t.Errorf("open since prev: %v, want %v", ids(open), want)
	}
	if want := []int{10, 5}; !slices.Equal(ids(done), want) {
		t.Errorf("completed since prev: %v, want %v", ids(done), want)
	}
	open, done = Since(items, at(20), Meeting{}, false)
	if want := []int{3, 1, 2, 6, 8, 9}; !slices.Equal(ids(open), want) {
		t.Errorf("open without a previous review: %v, want %v", ids(open), want)
	}
	if want := []int{4, 10, 5}; !slices.Equal(ids(done), want) {
		t.Errorf("completed without a previous review: %v, want %v", ids(done), want)
	}
}
