package onestatement

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestDocumentElements(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
		ok   bool
	}{
		{`[]`, nil, true},
		{`[ ]`, nil, true},
		{`[1]`, []string{`1`}, true},
		{`[1, "a,]\"b", null, [2, [3]], {"k": "]"}, -1.5e+3, true]`, []string{`1`, `"a,]\"b"`, `null`, `[2, [3]]`, `{"k": "]"}`, `-1.5e+3`, `true`}, true},
		{`["\\", "x"]`, []string{`"\\"`, `"x"`}, true},
		{`["\\\"]", "[", "\\\\"]`, []string{`"\\\"]"`, `"["`, `"\\\\"`}, true},
		{`[[], [[]], {"a": [1, {"b": "}"}]}]`, []string{`[]`, `[[]]`, `{"a": [1, {"b": "}"}]}`}, true},
		{`[1,`, nil, false},
		{`[1 2]`, nil, false},
		{`{"a": 1}`, nil, false},
		{`["unterminated]`, nil, false},
		{`[[1]`, nil, false},
		{`[1]]`, nil, false},
		{``, nil, false},
	} {
		got, ok := elements(c.in)
		if ok != c.ok {
			t.Errorf("elements of %s: ok = %v, want %v", c.in, ok, c.ok)
			continue
		}
		if ok && !slices.Equal(got, c.want) {
			t.Errorf("elements of %s = %q, want %q", c.in, got, c.want)
		}
	}
}

// elements indexes in and splits it, and each array among its elements, at any depth, the same way.
func elements(in string) ([]string, bool) {
	d, ok := index([]byte(in))
	if !ok {
		return nil, false
	}
	var split func(s span) ([]string, bool)
	split = func(s span) ([]string, bool) {
		list, ok := d.elements(s, nil)
		if !ok {
			return nil, false
		}
		var out []string
		for _, e := range list {
			b := d.bytes(e)
			out = append(out, string(b))
			if b[0] == '[' {
				if _, ok := split(e); !ok {
					return nil, false
				}
			}
		}
		return out, true
	}
	return split(d.whole())
}

func TestUnquote(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "tab\tnew\nline\u0001", "é 漢字 🙂 \u2028"} {
		b, _ := json.Marshal(s)
		got, ok := unquote(b)
		if !ok || got != s {
			t.Errorf("unquote(%s) = %q, %v; want %q", b, got, ok, s)
		}
	}
	if _, ok := unquote([]byte(`1`)); ok {
		t.Error("unquote(1) ok, want a refusal")
	}
}
