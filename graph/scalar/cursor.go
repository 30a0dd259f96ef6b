package scalar

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"io"
	"math"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
)

// Cursor writes an edge's cursor byte for byte as entgql.Cursor's MarshalGQL
// does (MessagePack of {"i": id, "v": value}, base64 without padding, quoted),
// since clients keep cursors, but without its encoders' allocations; a value
// of a type it does not know is left to entgql.
func Cursor(c entgql.Cursor[int]) graphql.Marshaler { return cursorOut(c) }

type cursorOut entgql.Cursor[int]

func (c cursorOut) MarshalGQL(w io.Writer) {
	var a [64]byte
	p, ok := appendCursorPack(a[:0], entgql.Cursor[int](c))
	b, isBuffer := w.(*bytes.Buffer)
	if !ok || !isBuffer {
		entgql.Cursor[int](c).MarshalGQL(w)
		return
	}
	b.Grow(base64.RawStdEncoding.EncodedLen(len(p)) + 2)
	q := append(b.AvailableBuffer(), '"')
	q = base64.RawStdEncoding.AppendEncode(q, p)
	b.Write(append(q, '"'))
}

// appendCursorPack appends the MessagePack entgql's encoder writes for c (vmihailenco/msgpack v5:
// a struct is a map, the ID an int in its shortest form, an int64 value in 9 bytes, v omitted when empty).
func appendCursorPack(p []byte, c entgql.Cursor[int]) ([]byte, bool) {
	var va [48]byte
	value, ok := va[:0], true
	switch v := c.Value.(type) {
	case []any: // entgql's pagers keep the values of every order field
		if len(v) > 0 {
			value = appendPackArrayLen(value, len(v))
			for _, e := range v {
				if value, ok = appendPackValue(value, e); !ok {
					return p, false
				}
			}
		}
	default:
		if !packEmpty(v) {
			if value, ok = appendPackValue(value, v); !ok {
				return p, false
			}
		}
	}
	if len(value) == 0 {
		p = append(p, 0x81) // msgpack's omitempty leaves out a nil, a zero value and an empty list alike
	} else {
		p = append(p, 0x82)
	}
	p = appendPackInt(append(p, 0xa1, 'i'), int64(c.ID))
	if len(value) > 0 {
		p = append(append(p, 0xa1, 'v'), value...)
	}
	return p, true
}

// packEmpty tells the values msgpack's omitempty leaves out, of the types appendPackValue writes.
func packEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case int:
		return v == 0
	case int64:
		return v == 0
	case float64:
		return v == 0
	case bool:
		return !v
	}
	return false
}

// appendPackValue writes a value as msgpack's reflection does; false for a type it does not know.
func appendPackValue(p []byte, v any) ([]byte, bool) {
	switch v := v.(type) {
	case nil:
		return append(p, 0xc0), true
	case string:
		return appendPackString(p, v), true
	case int:
		return appendPackInt(p, int64(v)), true
	case int64:
		return binary.BigEndian.AppendUint64(append(p, 0xd3), uint64(v)), true
	case float64:
		return binary.BigEndian.AppendUint64(append(p, 0xcb), math.Float64bits(v)), true
	case bool:
		if v {
			return append(p, 0xc3), true
		}
		return append(p, 0xc2), true
	}
	return p, false
}

func appendPackArrayLen(p []byte, l int) []byte {
	switch {
	case l < 16:
		return append(p, 0x90|byte(l))
	case l <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(p, 0xdc), uint16(l))
	}
	return binary.BigEndian.AppendUint32(append(p, 0xdd), uint32(l))
}

func appendPackInt(p []byte, n int64) []byte {
	if n >= 0 {
		switch {
		case n <= math.MaxInt8:
			return append(p, byte(n))
		case n <= math.MaxUint8:
			return append(p, 0xcc, byte(n))
		case n <= math.MaxUint16:
			return binary.BigEndian.AppendUint16(append(p, 0xcd), uint16(n))
		case n <= math.MaxUint32:
			return binary.BigEndian.AppendUint32(append(p, 0xce), uint32(n))
		}
		return binary.BigEndian.AppendUint64(append(p, 0xcf), uint64(n))
	}
	switch {
	case n >= -32:
		return append(p, byte(n))
	case n >= math.MinInt8:
		return append(p, 0xd0, byte(n))
	case n >= math.MinInt16:
		return binary.BigEndian.AppendUint16(append(p, 0xd1), uint16(n))
	case n >= math.MinInt32:
		return binary.BigEndian.AppendUint32(append(p, 0xd2), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(p, 0xd3), uint64(n))
}

func appendPackString(p []byte, s string) []byte {
	switch l := len(s); {
	case l < 32:
		p = append(p, 0xa0|byte(l))
	case l < 256:
		p = append(p, 0xd9, byte(l))
	case l <= math.MaxUint16:
		p = binary.BigEndian.AppendUint16(append(p, 0xda), uint16(l))
	default:
		p = binary.BigEndian.AppendUint32(append(p, 0xdb), uint32(l))
	}
	return append(p, s...)
}
