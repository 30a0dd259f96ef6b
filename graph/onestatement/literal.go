package onestatement

import (
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// literal is a PostgreSQL statement with its parameters written into it as
// constants, but node(id:)'s IDs, and the parameters it keeps; "" when a
// value has no constant here. A statement with parameters is planned again
// at each run, since its plan depends on their values (PostgreSQL's custom
// plans); one without is planned once per connection that prepared it. A
// plan's variables are fixed, so its values are too, and a plan asked often
// runs as its literal (see hotAfter). A record's ID changes no plan, and
// PostgreSQL soon keeps one plan for any: kept a parameter, it does not make
// a statement of each record's screen.
func literal(text string, args []any) (string, []any) {
	constants := make([]string, len(args))
	var kept []any
	for i, a := range args {
		if id, ok := a.(nodeID); ok {
			kept = append(kept, id)
			constants[i] = "$" + strconv.Itoa(len(kept))
			continue
		}
		c, ok := constant(a)
		if !ok {
			return "", nil
		}
		constants[i] = c
	}
	if len(kept) == len(args) {
		return "", nil
	}
	var b strings.Builder
	b.Grow(len(text) + 16*len(args))
	quote := byte(0) // the quote of the string or identifier the text is in
	for i := 0; i < len(text); i++ {
		ch := text[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0 // a doubled quote closes and opens again
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == '$' && i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9':
			j := i + 1
			for j < len(text) && text[j] >= '0' && text[j] <= '9' {
				j++
			}
			n, err := strconv.Atoi(text[i+1 : j])
			if err != nil || n < 1 || n > len(constants) {
				return "", nil
			}
			b.WriteString(constants[n-1])
			i = j - 1
			continue
		}
		b.WriteByte(ch)
	}
	if quote != 0 {
		return "", nil
	}
	return b.String(), kept
}

// nodeID is node(id:)'s ID in a statement's arguments, which literal keeps a parameter.
type nodeID int

// constant writes a parameter's value as pgx sends it: a string (or a type
// of string, such as an enum) as an escaped string, a time to the
// microsecond, truncated; false for any other kind of value.
func constant(v any) (string, bool) {
	if v == nil {
		return "NULL", true
	}
	if t, ok := v.(time.Time); ok {
		t = t.UTC()
		if t.Year() < 1 || t.Year() > 9999 {
			return "", false
		}
		// The layout truncates to the microsecond, as pgx does.
		return "'" + t.Format("2006-01-02 15:04:05.999999") + "+00'::timestamptz", true
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Bool:
		return strconv.FormatBool(r.Bool()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(r.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(r.Uint(), 10), true
	case reflect.Float32, reflect.Float64:
		return "'" + strconv.FormatFloat(r.Float(), 'g', -1, r.Type().Bits()) + "'::float8", true
	case reflect.String:
		s := r.String()
		// A NUL would end the statement's text in the protocol; PostgreSQL refuses it in a parameter.
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return "", false
		}
		// E'' reads backslashes the same whatever standard_conforming_strings says.
		return "E'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(s) + "'", true
	}
	return "", false
}
