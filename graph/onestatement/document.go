package onestatement

import (
	"bytes"
	"math"
	"sync"
)

// span is one JSON value of the statement's answer: its bytes from..to and,
// for an array or object, which one it is in the document.
type span struct{ from, to, box int }

// document is the statement's JSON answer, with where each of its arrays and
// objects ends, found in one pass: splitting an array then reads only its
// own elements, where finding their ends by reading them would read the
// values at each depth again for every level above.
type document struct {
	raw    []byte
	opens  []int32 // the first byte of each array and object, in order
	closes []int32 // the byte past the last of each
	next   []int32 // the first array or object after each (len(opens) for none)
	open   []int32 // while indexing: into opens, the arrays and objects not closed yet
}

// documents keeps the lists of answers written, for the next ones.
var documents = sync.Pool{New: func() any { return new(document) }}

// release gives the document's lists back for another answer.
func (d *document) release() {
	d.raw = nil
	documents.Put(d)
}

// index reads where the arrays and objects of raw end; false when they do
// not. Release the document once its answer is written.
func index(raw []byte) (*document, bool) {
	if len(raw) > math.MaxInt32 {
		return nil, false
	}
	d := documents.Get().(*document)
	d.raw, d.opens, d.closes, d.next, d.open = raw, d.opens[:0], d.closes[:0], d.next[:0], d.open[:0]
	open := d.open
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '"':
			end, ok := stringEnd(raw, i)
			if !ok {
				d.release()
				return nil, false
			}
			i = end - 1
		case '[', '{':
			open = append(open, int32(len(d.opens)))
			d.opens = append(d.opens, int32(i))
			d.closes = append(d.closes, 0)
			d.next = append(d.next, 0)
		case ']', '}':
			if len(open) == 0 {
				d.release()
				return nil, false
			}
			k := open[len(open)-1]
			d.closes[k], d.next[k] = int32(i+1), int32(len(d.opens))
			open = open[:len(open)-1]
		}
	}
	d.open = open
	if len(open) > 0 {
		d.release()
		return nil, false
	}
	return d, true
}

// whole is the span of the whole answer, the first array.
func (d *document) whole() span { return span{0, len(d.raw), 0} }

func (d *document) bytes(s span) []byte { return d.raw[s.from:s.to] }

// stringEnd is the byte past the JSON string whose opening quote is at i.
func stringEnd(b []byte, i int) (int, bool) {
	j := i + 1
	for {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return i, false
		}
		j += k
		escapes := 0
		for p := j - 1; p > i && b[p] == '\\'; p-- {
			escapes++
		}
		if escapes%2 == 0 {
			return j + 1, true
		}
		j++
	}
}

// elements appends the elements of the JSON array s to list.
func (d *document) elements(s span, list []span) ([]span, bool) {
	b := d.raw[:s.to]
	i := skipSpace(b, s.from)
	if i >= len(b) || b[i] != '[' || s.box >= len(d.opens) || int(d.opens[s.box]) != i {
		return list, false
	}
	box := s.box + 1 // the first array or object inside
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return list, true
	}
	for i < len(b) {
		e := span{from: i, box: -1}
		switch b[i] {
		case '[', '{':
			if box >= len(d.opens) || int(d.opens[box]) != i {
				return list, false
			}
			e.to, e.box = int(d.closes[box]), box
			box = int(d.next[box])
		case '"':
			end, ok := stringEnd(b, i)
			if !ok {
				return list, false
			}
			e.to = end
		default:
			j := i
			for j < len(b) && b[j] != ',' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' {
				j++
			}
			if j == i {
				return list, false
			}
			e.to = j
		}
		list = append(list, e)
		i = skipSpace(b, e.to)
		if i >= len(b) {
			return list, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case ']':
			return list, true
		default:
			return list, false
		}
	}
	return list, false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}
