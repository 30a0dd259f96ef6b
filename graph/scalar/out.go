package scalar

import (
	"bytes"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// The writers below give the bytes gqlgen's own marshalers give, without
// their closure and intermediate string per value: a value is boxed as a
// named type (no allocation for small integers, booleans and empty strings)
// and formatted straight into the answer's buffer.

// ID writes an integer ID as gqlgen's MarshalIntID does: "42".
func ID(n int) graphql.Marshaler { return idOut(n) }

// Int writes an Int as gqlgen's MarshalInt does.
func Int(n int) graphql.Marshaler { return intOut(n) }

// Boolean writes a Boolean as gqlgen's MarshalBoolean does.
func Boolean(b bool) graphql.Marshaler {
	if b {
		return boolOut(true)
	}
	return boolOut(false)
}

// IDAt, IntAt, StringAt and TimeAt write the value at p when the answer is
// written: a pointer boxes without allocating, where a copy of the value
// would allocate. The value must not change before then.
// A nil p is null.
func IDAt(p *int) graphql.Marshaler {
	if p == nil {
		return graphql.Null
	}
	return (*idAt)(p)
}

// IntAt writes the Int at p, as Int does; a nil p is null.
func IntAt(p *int) graphql.Marshaler {
	if p == nil {
		return graphql.Null
	}
	return (*intAt)(p)
}

// StringAt writes the String at p, as MarshalString does; a nil p is null.
func StringAt(p *string) graphql.Marshaler {
	if p == nil {
		return graphql.Null
	}
	return (*stringAt)(p)
}

// TimeAt writes the Time at p, as MarshalTime does: null for the zero time and a nil p.
func TimeAt(p *time.Time) graphql.Marshaler {
	if p == nil || p.IsZero() {
		return graphql.Null
	}
	return (*timeAt)(p)
}

type idAt int

func (p *idAt) MarshalGQL(w io.Writer) { writeInt(w, int64(*p), true) }

type intAt int

func (p *intAt) MarshalGQL(w io.Writer) { writeInt(w, int64(*p), false) }

type stringAt string

func (p *stringAt) MarshalGQL(w io.Writer) { writeQuoted(w, string(*p)) }

type timeAt time.Time

func (p *timeAt) MarshalGQL(w io.Writer) { timeOut(*p).MarshalGQL(w) }

type idOut int

func (n idOut) MarshalGQL(w io.Writer) { writeInt(w, int64(n), true) }

type intOut int

func (n intOut) MarshalGQL(w io.Writer) { writeInt(w, int64(n), false) }

type boolOut bool

func (b boolOut) MarshalGQL(w io.Writer) {
	if b {
		_, _ = io.WriteString(w, "true")
		return
	}
	_, _ = io.WriteString(w, "false")
}

type stringOut string

func (s stringOut) MarshalGQL(w io.Writer) { writeQuoted(w, string(s)) }

type timeOut time.Time

func (t timeOut) MarshalGQL(w io.Writer) {
	if b, ok := w.(*bytes.Buffer); ok {
		b.Grow(len(time.RFC3339Nano) + 8)
		p := append(b.AvailableBuffer(), '"')
		p = time.Time(t).AppendFormat(p, time.RFC3339Nano)
		b.Write(append(p, '"'))
		return
	}
	writeTimeTo(w, time.Time(t))
}

func writeTimeTo(w io.Writer, t time.Time) {
	var a [48]byte
	p := append(a[:0], '"')
	p = t.AppendFormat(p, time.RFC3339Nano)
	_, _ = w.Write(append(p, '"'))
}

// writeInt formats n in the buffer's spare room; another writer gets a copy.
func writeInt(w io.Writer, n int64, quoted bool) {
	b, ok := w.(*bytes.Buffer)
	if !ok {
		writeIntTo(w, n, quoted)
		return
	}
	b.Grow(22)
	p := b.AvailableBuffer()
	if quoted {
		p = append(p, '"')
	}
	p = strconv.AppendInt(p, n, 10)
	if quoted {
		p = append(p, '"')
	}
	b.Write(p)
}

func writeIntTo(w io.Writer, n int64, quoted bool) {
	var a [24]byte
	p := a[:0]
	if quoted {
		p = append(p, '"')
	}
	p = strconv.AppendInt(p, n, 10)
	if quoted {
		p = append(p, '"')
	}
	_, _ = w.Write(p)
}

const hexDigits = "0123456789ABCDEF"

// writeQuoted escapes as gqlgen's writeQuotedString does: control characters, backslash and quote only.
func writeQuoted(w io.Writer, s string) {
	b, ok := w.(*bytes.Buffer)
	if !ok {
		graphql.MarshalString(s).MarshalGQL(w)
		return
	}
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		case '\n':
			b.WriteString(`\n`)
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		}
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}
