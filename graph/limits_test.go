package graph

import "testing"

// The zero value of Limits means the documented defaults, field by field, and
// a 0 that is set turns a number off.
func TestLimitsZeroValueIsTheDefaults(t *testing.T) {
	want := limits{maxDepth: 20, maxCost: 250_000, maxAliases: 100, maxTokens: 2_000, introspection: true}
	if got := (Limits{}).resolve(); got != want {
		t.Errorf("zero Limits: got %+v, want %+v", got, want)
	}
	if got := (Limits{MaxCost: new(0), Introspection: new(false)}).resolve(); got.maxCost != 0 || got.introspection || got.maxDepth != 20 {
		t.Errorf("a partly filled Limits: got %+v, want cost off, introspection off and the other defaults", got)
	}
	if (Settings{}).NewMapCache() == nil || (Settings{MapCacheMB: new(0)}).NewMapCache() != nil {
		t.Error("MapCacheMB: nil must keep the default cache, 0 none")
	}
}
