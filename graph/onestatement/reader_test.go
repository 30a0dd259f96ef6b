package onestatement

import (
	"context"
	"encoding/json"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"
)

// TestPlanKeys: variables that differ in value, type or shape key different
// plans; the same variables, in any map order, key the same one.
func TestPlanKeys(t *testing.T) {
	object := map[string]any{"field": "NAME", "direction": "DESC"}
	values := []any{
		nil, true, false, "", "1", json.Number("1"), 1, int64(1), 1.0, 1.5, "null", "true",
		map[string]any{}, map[string]any{"a": nil}, map[string]any{"a": "b"}, map[string]any{"a": "b", "c": "d"},
		map[string]any{"a\"": "b"}, map[string]any{"a": map[string]any{"b": "c"}}, map[string]any{"ab": "c"},
		[]any{}, []any{nil}, []any{"a", "b"}, []any{"a,b"}, []any{[]any{"a"}, "b"}, []any{[]any{"a", "b"}},
		[]any{object}, []map[string]any{object}, []map[string]any{}, object,
		struct{ A int }{1}, []string{"a"}, uint(1),
	}
	seen := map[string]int{}
	for i, v := range values {
		key := string(appendValue(nil, v))
		if j, ok := seen[key]; ok {
			t.Errorf("%#v and %#v have the same key %q", values[j], v, key)
		}
		seen[key] = i
	}
	a := map[string]any{"x": "1", "y": []any{"2", "3"}, "z": map[string]any{"p": true, "q": nil}}
	b := map[string]any{"z": map[string]any{"q": nil, "p": true}, "y": []any{"2", "3"}, "x": "1"}
	for range 20 { // map order is random: the key must not follow it
		if ka, kb := string(appendValue(nil, a)), string(appendValue(nil, b)); ka != kb {
			t.Fatalf("the same variables have two keys: %q and %q", ka, kb)
		}
	}
}

// TestLiteralBudget: a plan runs as its literal from its third run while
// fewer than maxLiterals kept plans do, and one that is no longer kept
// gives its place to the next.
func TestLiteralBudget(t *testing.T) {
	r := New(nil, nil, nil, 2)
	plans := make([]*plan, 4)
	for i := range plans {
		plans[i] = &plan{text: "T", literal: "L"}
		r.plans.Add(string(rune('a'+i)), plans[i])
	}
	plans[3].literal = "" // a value with no constant
	runs := func(p *plan) (texts string) {
		for range hotAfter + 1 {
			text, _ := r.run(p)
			texts += text
		}
		return texts
	}
	for i, want := range []string{"TTL", "TTL", "TTT", "TTT"} {
		if got := runs(plans[i]); got != want {
			t.Errorf("plan %d ran %s, want %s", i, got, want)
		}
	}
	r.plans.Remove("a")
	if text, _ := r.run(plans[2]); text != "L" {
		t.Errorf("after a hot plan was dropped, the next ran %s, want L", text)
	}
	if r.literals != 2 {
		t.Errorf("%d plans counted hot, want 2", r.literals)
	}
}

// TestLargeAnswersTakeTurns: on SQLite, answers larger than largeAnswer run
// one per core at once; smaller ones do not wait for each other.
func TestLargeAnswersTakeTurns(t *testing.T) {
	drv := &heldDriver{}
	r := New(drv, nil, nil, 0)
	turns := cap(r.large)
	if turns != runtime.GOMAXPROCS(0) {
		t.Fatalf("%d turns for large answers, want one per core (%d)", turns, runtime.GOMAXPROCS(0))
	}
	run := func(size int64) int {
		drv.most = 0
		p := &plan{text: "T"}
		p.size.Store(size)
		var wg sync.WaitGroup
		for range turns + 4 {
			wg.Go(func() { r.answer(context.Background(), p) })
		}
		wg.Wait()
		return drv.most
	}
	if most := run(largeAnswer + 1); most == 0 || most > turns {
		t.Errorf("large answers: %d ran at once, want at most %d", most, turns)
	}
	if most := run(largeAnswer); most <= turns {
		t.Errorf("answers of largeAnswer bytes: %d ran at once of %d, want more than %d", most, turns+4, turns)
	}
}

// heldDriver is a SQLite driver whose statements each take 50 ms and fail,
// counting how many run at once.
type heldDriver struct {
	dialect.Driver
	mu            sync.Mutex
	running, most int
}

func (d *heldDriver) Dialect() string { return dialect.SQLite }

func (d *heldDriver) Query(context.Context, string, any, any) error {
	d.mu.Lock()
	d.running++
	d.most = max(d.most, d.running)
	d.mu.Unlock()
	time.Sleep(50 * time.Millisecond)
	d.mu.Lock()
	d.running--
	d.mu.Unlock()
	return errors.New("held")
}
