package logbuffer_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accountplan/accountplan/graph/httpedge/logbuffer"
)

// output is a log's destination that counts the writes it gets.
type output struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.writes++
	return o.buf.Write(p)
}

func (o *output) read() (string, int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String(), o.writes
}

// TestBatches: lines wait for the delay and go out together, in order.
func TestBatches(t *testing.T) {
	var out output
	w := logbuffer.New(&out, time.Hour)
	for i := range 100 {
		fmt.Fprintf(w, "line %d\n", i)
	}
	if got, writes := out.read(); got != "" || writes != 0 {
		t.Fatalf("lines were written before the delay: %d writes", writes)
	}
	w.Flush()
	got, writes := out.read()
	if writes != 1 {
		t.Errorf("100 lines took %d writes, want 1", writes)
	}
	var want strings.Builder
	for i := range 100 {
		fmt.Fprintf(&want, "line %d\n", i)
	}
	if got != want.String() {
		t.Errorf("written:\n%s\nwant the 100 lines in order", got)
	}
}

// TestDelay: a line is written once the delay has passed, without a flush.
func TestDelay(t *testing.T) {
	var out output
	w := logbuffer.New(&out, 10*time.Millisecond)
	for round := range 3 {
		fmt.Fprintf(w, "round %d\n", round)
		deadline := time.Now().Add(5 * time.Second)
		for {
			got, _ := out.read()
			if strings.Contains(got, fmt.Sprintf("round %d\n", round)) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: the line was not written after the delay", round)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// TestFullBatch: 64 KiB of lines are written at once, not held for the delay.
func TestFullBatch(t *testing.T) {
	var out output
	w := logbuffer.New(&out, time.Hour)
	line := strings.Repeat("x", 1023) + "\n"
	for range 64 {
		w.Write([]byte(line))
	}
	if got, writes := out.read(); writes != 1 || len(got) != 64*1024 {
		t.Errorf("a full batch: %d writes of %d bytes, want 1 of %d", writes, len(got), 64*1024)
	}
	w.Write([]byte("after\n"))
	w.Close()
	if got, _ := out.read(); !strings.HasSuffix(got, line+"after\n") {
		t.Errorf("Close did not write the last line")
	}
}

// TestConcurrentLines: lines logged at once from many goroutines stay whole.
func TestConcurrentLines(t *testing.T) {
	var out output
	w := logbuffer.New(&out, time.Millisecond)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				fmt.Fprintf(w, "goroutine %d line %d %s\n", g, i, strings.Repeat("-", 200))
			}
		})
	}
	wg.Wait()
	w.Close()
	got, _ := out.read()
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 8*500 {
		t.Fatalf("%d lines written, want %d", len(lines), 8*500)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		var g, i int
		var rest string
		if n, _ := fmt.Sscanf(l, "goroutine %d line %d %s", &g, &i, &rest); n != 3 || rest != strings.Repeat("-", 200) {
			t.Fatalf("a line was broken: %q", l)
		}
		seen[l] = true
	}
	if len(seen) != 8*500 {
		t.Errorf("%d distinct lines, want %d", len(seen), 8*500)
	}
}
