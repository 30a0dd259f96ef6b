package scalar

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestUnmarshalStringRefusesWhatTheDatabasesStoreApart(t *testing.T) {
	for _, c := range []struct {
		in any
		ok bool
	}{
		{"Northwind", true},
		{"", true},
		{"naïve ✓ 日本", true},
		{"a\x00b", false},
		{"\x00", false},
		{"bad \xff byte", false},
		{"half a rune \xe6\x97", false},
		{strings.Repeat("x", 10_000) + "\x00", false},
	} {
		got, err := UnmarshalString(c.in)
		if (err == nil) != c.ok || (c.ok && got != c.in) {
			t.Errorf("UnmarshalString(%q) = %q, %v; want ok=%v", c.in, got, err, c.ok)
		}
	}
}

func TestUnmarshalTimeRefusesEmptyZeroAndOutOfRange(t *testing.T) {
	for _, c := range []struct {
		in   any
		want time.Time
		ok   bool
	}{
		{"2026-03-31T00:00:00Z", time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), true},
		{"2026-03-31T02:00:00+02:00", time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), true},
		{"2026-03-31T00:00:00.123456789Z", time.Date(2026, 3, 31, 0, 0, 0, 123456000, time.UTC), true},
		{"1900-01-01T00:00:00Z", MinTime, true},
		{"2199-12-31T23:59:59.999999Z", MaxTime, true},
		{"", time.Time{}, false},
		{"0001-01-01T00:00:00Z", time.Time{}, false},
		{"1899-12-31T23:59:59Z", time.Time{}, false},
		{"2200-01-01T00:00:00Z", time.Time{}, false},
		{"9999-12-31T23:59:59Z", time.Time{}, false},
		{"yesterday", time.Time{}, false},
		{json.Number("1700000000"), time.Time{}, false},
		{nil, time.Time{}, false},
	} {
		got, err := UnmarshalTime(c.in)
		if (err == nil) != c.ok || !got.Equal(c.want) {
			t.Errorf("UnmarshalTime(%#v) = %v, %v; want %v, ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestUnmarshalMoneyIsBounded(t *testing.T) {
	for _, c := range []struct {
		in   any
		want int64
		ok   bool
	}{
		{int64(125050), 125050, true},
		{json.Number("0"), 0, true},
		{json.Number("1000000000000000"), MaxMoney, true},
		{json.Number("-1000000000000000"), -MaxMoney, true},
		{json.Number("1000000000000001"), 0, false},
		{json.Number("9223372036854775807"), 0, false},
		{json.Number("9223372036854775808"), 0, false},
		{json.Number("1.5"), 0, false},
		{"12", 12, true}, // as gqlgen's Int64 accepts
	} {
		got, err := UnmarshalMoney(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("UnmarshalMoney(%#v) = %d, %v; want %d, ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}
