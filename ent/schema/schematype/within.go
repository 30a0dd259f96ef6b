package schematype

import "fmt"

// Within is a validator for a number field that must lie in [lo, hi]: unlike
// ent's Range, its refusal says the range.
func Within(lo, hi int) func(int) error {
	return func(v int) error {
		if v < lo || v > hi {
			return &OutOfRange{Lo: lo, Hi: hi}
		}
		return nil
	}
}

// OutOfRange refuses a number outside [Lo, Hi].
type OutOfRange struct{ Lo, Hi int }

func (e *OutOfRange) Error() string { return fmt.Sprintf("must be %d–%d", e.Lo, e.Hi) }
