package scalar

import (
	"fmt"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// The range of times the API accepts: wide enough for any date a plan, deal or
// record of revenue names, and narrow enough that no calendar number the
// rollups derive from a time is out of bounds.
var (
	MinTime = time.Date(1900, time.January, 1, 0, 0, 0, 0, time.UTC)
	MaxTime = time.Date(2199, time.December, 31, 23, 59, 59, 999999000, time.UTC)
)

// MarshalTime writes a time as RFC 3339, as gqlgen's built-in Time does.
func MarshalTime(t time.Time) graphql.Marshaler {
	if t.IsZero() {
		return graphql.Null
	}
	return timeOut(t)
}

// UnmarshalTime accepts an RFC 3339 time between MinTime and MaxTime, in UTC
// and to the microsecond, the precision both databases keep. Unlike gqlgen's
// built-in Time, it refuses an empty string and the zero time, which would be
// stored as "no time" in a required field.
func UnmarshalTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("a Time must be a string such as \"2026-03-31T00:00:00Z\", got %s", typeName(v))
	}
	if s == "" {
		return time.Time{}, fmt.Errorf("a Time must not be empty: use a time such as \"2026-03-31T00:00:00Z\"")
	}
	t, err := graphql.UnmarshalTime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a time: use RFC 3339, e.g. \"2026-03-31T00:00:00Z\"", s)
	}
	t = t.UTC().Truncate(time.Microsecond)
	if t.Before(MinTime) || t.After(MaxTime) {
		return time.Time{}, fmt.Errorf("%q is out of range: a time must be from %s to %s", s, MinTime.Format(time.DateOnly), MaxTime.Format(time.DateOnly))
	}
	return t, nil
}

// typeName names a JSON value's type for a message.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return "a number"
}
