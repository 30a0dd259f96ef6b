package scalar

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestUnmarshalDecimal(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
		ok   bool
	}{
		{"500000", "500000", true},
		{"-3.25", "-3.25", true},
		{"92.123456", "92.123456", true},
		{json.Number("92.5"), "92.5", true},
		{int64(7), "7", true},
		{"92.1234567", "", false}, // more than 6 decimals
		{"1e6", "", false},        // exponents are not exact decimals
		{"abc", "", false},
		{"", "", false},
		{json.Number("1.5e3"), "", false},
		{1.5, "", false}, // a float has already lost exactness
		{true, "", false},
	} {
		got, err := UnmarshalDecimal(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("UnmarshalDecimal(%#v) = %q, %v; want %q, ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestMarshalDecimalWritesAString(t *testing.T) {
	var b bytes.Buffer
	MarshalDecimal("92.5").MarshalGQL(&b)
	if b.String() != `"92.5"` {
		t.Fatalf("got %s", b.String())
	}
}
