package orgmap

import (
	"strings"
	"testing"
)

func TestUnpack(t *testing.T) {
	type pair struct {
		n    int
		text string
	}
	read := func(r *row) pair { return pair{r.int(), r.text()} }
	got, err := unpack("1,a%2Cb%3Bc%25d;,", 2, read)
	if err != nil || len(got) != 2 || got[0] != (pair{1, "a,b;c%d"}) || got[1] != (pair{0, ""}) {
		t.Errorf("unpack: %v, %v", got, err)
	}
	if got, err := unpack("", 2, read); err != nil || len(got) != 0 {
		t.Errorf("nothing packed: %v, %v", got, err)
	}
	for _, bad := range []string{"1,a;2", "1,a,b", "x,a", "1,%zz"} {
		if _, err := unpack(bad, 2, read); err == nil || !strings.HasPrefix(err.Error(), "orgmap: ") {
			t.Errorf("unpack(%q): %v, want an error", bad, err)
		}
	}
}
