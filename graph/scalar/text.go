package scalar

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalString writes a string as gqlgen's built-in String does.
func MarshalString(s string) graphql.Marshaler { return stringOut(s) }

// UnmarshalString accepts what gqlgen's String does, except text that a
// database would store differently or refuse: a NUL character (PostgreSQL
// refuses it, SQLite keeps it) and bytes that are not UTF-8. Every String
// argument and input field passes here, so both databases see the same text.
func UnmarshalString(v any) (string, error) {
	s, err := graphql.UnmarshalString(v)
	switch {
	case err != nil:
		return "", err
	case strings.IndexByte(s, 0) >= 0:
		return "", errors.New("text must not contain the NUL character (U+0000)")
	case !utf8.ValidString(s):
		return "", errors.New("text must be valid UTF-8")
	}
	return s, nil
}
