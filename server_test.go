package main

import (
	"math"
	"testing"
)

// TestMemorySettings: GOGC and GOMEMLIMIT, when set, are the runtime's and
// stay; otherwise the heap may grow to three times what is live, up to 64 MiB
// beside the map cache on PostgreSQL and 40 MiB on SQLite, whose own memory is
// outside the limit; -memory-limit-mb wins over GOMEMLIMIT, and 0 is no limit.
func TestMemorySettings(t *testing.T) {
	for _, c := range []struct {
		name     string
		flagMB   int
		mapMB    int
		postgres bool
		env      map[string]string
		want     memory
	}{
		{"defaults", -1, 256, true, nil, memory{gcPercent: 200, limit: (64 + 256) << 20}},
		{"defaults on SQLite", -1, 256, false, nil, memory{gcPercent: 200, limit: (40 + 256) << 20}},
		{"map cache off", -1, 0, true, nil, memory{gcPercent: 200, limit: 64 << 20}},
		{"map cache off on SQLite", -1, 0, false, nil, memory{gcPercent: 200, limit: 40 << 20}},
		{"GOGC kept", -1, 0, true, map[string]string{"GOGC": "100"}, memory{limit: 64 << 20}},
		{"GOMEMLIMIT kept", -1, 0, false, map[string]string{"GOMEMLIMIT": "1GiB"}, memory{gcPercent: 200}},
		{"flag over GOMEMLIMIT", 100, 0, false, map[string]string{"GOMEMLIMIT": "1GiB"}, memory{gcPercent: 200, limit: 100 << 20}},
		{"flag 0 is no limit", 0, 256, true, nil, memory{gcPercent: 200, limit: math.MaxInt64}},
	} {
		t.Run(c.name, func(t *testing.T) {
			lookup := func(k string) (string, bool) { v, ok := c.env[k]; return v, ok }
			if got := memorySettings(c.flagMB, c.mapMB, c.postgres, lookup); got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}
