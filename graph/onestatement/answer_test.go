package onestatement

import (
	"encoding/json"
	"testing"
)

func TestSplitArray(t *testing.T) {
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
		{`[1,`, nil, false},
		{`[1 2]`, nil, false},
		{`{"a": 1}`, nil, false},
		{`["unterminated]`, nil, false},
		{``, nil, false},
	} {
		got, ok := splitArray([]byte(c.in), nil)
		if ok != c.ok {
			t.Errorf("splitArray(%s) ok = %v, want %v", c.in, ok, c.ok)
			continue
		}
		if !ok {
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("splitArray(%s) = %q, want %q", c.in, got, c.want)
			continue
		}
		for i := range got {
			if string(got[i]) != c.want[i] {
				t.Errorf("splitArray(%s)[%d] = %s, want %s", c.in, i, got[i], c.want[i])
			}
		}
	}
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
