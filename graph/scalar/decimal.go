// Package scalar holds the GraphQL scalars that are not gqlgen built-ins.
package scalar

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
)

var decimalPattern = regexp.MustCompile(`^-?[0-9]{1,18}(\.[0-9]{1,6})?$`)

// MarshalDecimal writes an exact decimal as a JSON string, so no client parses it as a float.
func MarshalDecimal(s string) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(s))
	})
}

// UnmarshalDecimal accepts a decimal as a JSON string or a plain JSON number.
func UnmarshalDecimal(v any) (string, error) {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case json.Number:
		s = v.String()
	case int:
		s = strconv.Itoa(v)
	case int64:
		s = strconv.FormatInt(v, 10)
	default:
		return "", fmt.Errorf("a Decimal must be a string such as \"92.5\", got %T", v)
	}
	if !decimalPattern.MatchString(s) {
		return "", fmt.Errorf("%q is not a Decimal: use digits with an optional sign and at most 6 decimals, e.g. \"92.5\"", s)
	}
	return s, nil
}
