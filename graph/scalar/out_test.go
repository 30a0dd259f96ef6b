package scalar

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
)

// written is what m writes into a bytes.Buffer and into a plain io.Writer, which must agree.
func written(t *testing.T, m graphql.Marshaler) string {
	t.Helper()
	var b bytes.Buffer
	m.MarshalGQL(&b)
	var s strings.Builder
	m.MarshalGQL(&s)
	if b.String() != s.String() {
		t.Fatalf("a buffer got %s, another writer %s", b.String(), s.String())
	}
	return b.String()
}

func gqlgenWrote(m graphql.Marshaler) string {
	var b bytes.Buffer
	m.MarshalGQL(&b)
	return b.String()
}

var someInts = []int{0, 1, 9, 10, 99, 100, 127, 128, 255, 256, 1000, 65535, 65536, 1 << 31, 1<<32 + 5, math.MaxInt64, -1, -32, -33, -128, -129, -32768, -32769, math.MinInt32, math.MinInt32 - 1, math.MinInt64}

func TestScalarsWriteWhatGqlgenWrites(t *testing.T) {
	for _, n := range someInts {
		if got, want := written(t, ID(n)), gqlgenWrote(graphql.MarshalIntID(n)); got != want {
			t.Errorf("ID(%d) = %s, gqlgen %s", n, got, want)
		}
		if got, want := written(t, Int(n)), gqlgenWrote(graphql.MarshalInt(n)); got != want {
			t.Errorf("Int(%d) = %s, gqlgen %s", n, got, want)
		}
		if got, want := written(t, IDAt(&n)), gqlgenWrote(graphql.MarshalIntID(n)); got != want {
			t.Errorf("IDAt(%d) = %s, gqlgen %s", n, got, want)
		}
		if got, want := written(t, IntAt(&n)), gqlgenWrote(graphql.MarshalInt(n)); got != want {
			t.Errorf("IntAt(%d) = %s, gqlgen %s", n, got, want)
		}
	}
	for _, b := range []bool{true, false} {
		if got, want := written(t, Boolean(b)), gqlgenWrote(graphql.MarshalBoolean(b)); got != want {
			t.Errorf("Boolean(%v) = %s, gqlgen %s", b, got, want)
		}
	}
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tcr\rnl\n", "\x00\x01\x1f\x7f", "héllo wörld ✓", "bad \xff\xfe utf-8", strings.Repeat("long ", 100)} {
		if got, want := written(t, MarshalString(s)), gqlgenWrote(graphql.MarshalString(s)); got != want {
			t.Errorf("MarshalString(%q) = %s, gqlgen %s", s, got, want)
		}
		if got, want := written(t, StringAt(&s)), gqlgenWrote(graphql.MarshalString(s)); got != want {
			t.Errorf("StringAt(%q) = %s, gqlgen %s", s, got, want)
		}
	}
	for _, tm := range []time.Time{time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 6, 13, 4, 5, 123456000, time.UTC), MinTime, MaxTime, time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("x", 3600))} {
		if got, want := written(t, MarshalTime(tm)), gqlgenWrote(graphql.MarshalTime(tm)); got != want {
			t.Errorf("MarshalTime(%v) = %s, gqlgen %s", tm, got, want)
		}
		if got, want := written(t, TimeAt(&tm)), gqlgenWrote(graphql.MarshalTime(tm)); got != want {
			t.Errorf("TimeAt(%v) = %s, gqlgen %s", tm, got, want)
		}
	}
	if MarshalTime(time.Time{}) != graphql.Null || TimeAt(&time.Time{}) != graphql.Null {
		t.Error("the zero time must be null, as gqlgen's")
	}
	if IDAt(nil) != graphql.Null || IntAt(nil) != graphql.Null || StringAt(nil) != graphql.Null || TimeAt(nil) != graphql.Null {
		t.Error("a nil pointer must be null")
	}
}

func TestCursorIsEntgqlsCursor(t *testing.T) {
	values := []any{nil, "", "Northwind Robotics", strings.Repeat("x", 31), strings.Repeat("y", 32), strings.Repeat("z", 255), strings.Repeat("w", 256), strings.Repeat("v", 70000), 0, 5, -7, 300, -300, 1 << 40, int64(0), int64(42), int64(-1), 2.5, 0.0, -1e300, true, false, time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC),
		[]any{}, []any{"Acme"}, []any{"Acme", 3, int64(9), 2.5, nil, true, ""}, []any{time.Now()}, make([]any, 17), []any{[]any{1}}}
	ids := append([]int{}, someInts...)
	for i := 0; i < 2000; i++ {
		ids = append(ids, i*i*7919)
	}
	for _, id := range ids {
		for _, v := range values {
			c := entgql.Cursor[int]{ID: id, Value: v}
			if got, want := written(t, Cursor(c)), gqlgenWrote(c); got != want {
				t.Fatalf("cursor %d %#v: %s, entgql %s", id, v, got, want)
			}
		}
	}
}

// allocs counts the allocations of marshalling m and writing it into a buffer with room.
func allocs(m func() graphql.Marshaler) float64 {
	var b bytes.Buffer
	b.Grow(1 << 16)
	return testing.AllocsPerRun(100, func() {
		b.Reset()
		m().MarshalGQL(&b)
	})
}

func TestScalarsAllocateAtMostTheBox(t *testing.T) {
	big := 123456
	s := "a name of some length"
	tm := time.Date(2026, 12, 6, 13, 4, 5, 123456000, time.UTC)
	pager := entgql.Cursor[int]{ID: big, Value: []any{}}
	ordered := entgql.Cursor[int]{ID: big, Value: []any{s, 42}}
	obj := &struct {
		id   int
		name string
		at   time.Time
	}{big, s, tm}
	for _, c := range []struct {
		name string
		m    func() graphql.Marshaler
		max  float64
	}{
		{"ID", func() graphql.Marshaler { return ID(big) }, 1},
		{"small ID", func() graphql.Marshaler { return ID(7) }, 0},
		{"Int", func() graphql.Marshaler { return Int(big) }, 1},
		{"Boolean", func() graphql.Marshaler { return Boolean(true) }, 0},
		{"String", func() graphql.Marshaler { return MarshalString(s) }, 1},
		{"Time", func() graphql.Marshaler { return MarshalTime(tm) }, 1},
		{"ID at", func() graphql.Marshaler { return IDAt(&obj.id) }, 0},
		{"Int at", func() graphql.Marshaler { return IntAt(&obj.id) }, 0},
		{"String at", func() graphql.Marshaler { return StringAt(&obj.name) }, 0},
		{"Time at", func() graphql.Marshaler { return TimeAt(&obj.at) }, 0},
		{"Cursor", func() graphql.Marshaler { return Cursor(entgql.Cursor[int]{ID: big}) }, 1},
		{"Cursor with a value", func() graphql.Marshaler { return Cursor(entgql.Cursor[int]{ID: big, Value: s}) }, 1},
		{"Cursor of a pager", func() graphql.Marshaler { return Cursor(pager) }, 1},
		{"Cursor of an ordered pager", func() graphql.Marshaler { return Cursor(ordered) }, 1},
	} {
		if got := allocs(c.m); got > c.max {
			t.Errorf("%s: %v allocations, want at most %v", c.name, got, c.max)
		}
	}
}

func BenchmarkCursor(b *testing.B) {
	c := entgql.Cursor[int]{ID: 123456, Value: []any{"Northwind Robotics"}}
	var buf bytes.Buffer
	b.Run("entgql", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			buf.Reset()
			graphql.Marshaler(c).MarshalGQL(&buf)
		}
	})
	b.Run("scalar", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			buf.Reset()
			Cursor(c).MarshalGQL(&buf)
		}
	})
}
