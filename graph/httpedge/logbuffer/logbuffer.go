// Package logbuffer writes log lines in batches: a server answering
// thousands of requests a second then makes one write to its log a batch,
// not one a request, and no request waits for the log on its way out. A line
// is written at most Delay after it was logged, and every line is written by
// Close.
package logbuffer

import (
	"io"
	"sync"
	"time"
)

// Delay is how long a line may wait for others before it is written.
const Delay = 100 * time.Millisecond

// flushAt is the size of a batch that is written at once, without waiting.
const flushAt = 64 << 10

// Writer keeps what is written to it and writes it to its output in batches.
type Writer struct {
	out   io.Writer
	delay time.Duration

	mu      sync.Mutex
	lines   []byte
	pending *time.Timer // set while lines wait to be written
}

// New is a Writer that writes to out at most delay after a line arrives.
func New(out io.Writer, delay time.Duration) *Writer {
	return &Writer{out: out, delay: delay}
}

// Write keeps p for the next batch. It never fails: a log that cannot be
// written must not fail the request that logged.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lines = append(w.lines, p...)
	switch {
	case len(w.lines) >= flushAt:
		w.flushLocked()
	case w.pending == nil:
		w.pending = time.AfterFunc(w.delay, w.Flush)
	}
	return len(p), nil
}

// Flush writes the lines kept so far.
func (w *Writer) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.flushLocked()
}

func (w *Writer) flushLocked() {
	if w.pending != nil {
		w.pending.Stop()
		w.pending = nil
	}
	if len(w.lines) > 0 {
		_, _ = w.out.Write(w.lines)
		w.lines = w.lines[:0]
	}
	if cap(w.lines) > 4*flushAt {
		w.lines = nil // a burst of long lines leaves no large buffer behind
	}
}

// Close writes every line kept; later lines are still taken and written.
func (w *Writer) Close() error {
	w.Flush()
	return nil
}
