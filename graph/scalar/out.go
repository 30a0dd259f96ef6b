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
