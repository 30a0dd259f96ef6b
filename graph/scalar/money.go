package scalar

import (
	"fmt"

	"github.com/99designs/gqlgen/graphql"
)

// MaxMoney is the largest amount, in minor units, the API accepts
// (10^15: ten trillion dollars in cents). Sums of amounts are 64-bit, so
// more than 9,000 records at this maximum would have to fall into one sum
// before it could overflow, and one record can never poison a total.
const MaxMoney = 1_000_000_000_000_000

// MarshalMoney writes an amount as a JSON integer.
func MarshalMoney(v int64) graphql.Marshaler { return graphql.MarshalInt64(v) }

// UnmarshalMoney accepts a whole number from -MaxMoney to MaxMoney.
func UnmarshalMoney(v any) (int64, error) {
	n, err := graphql.UnmarshalInt64(v)
	if err != nil {
		return 0, err
	}
	if n > MaxMoney || n < -MaxMoney {
		return 0, fmt.Errorf("%d is out of range: an amount must be from %d to %d minor units", n, -MaxMoney, MaxMoney)
	}
	return n, nil
}
