package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSecrets(t *testing.T) {
	a, b := newSecret(), newSecret()
	if a == b || !strings.HasPrefix(a, secretPrefix) || len(a) != len(secretPrefix)+43 {
		t.Errorf("secrets %q and %q: want two different ap_ secrets of 256 bits", a, b)
	}
	if h := hash(a); h == a || len(h) != 64 || h != hash(a) || h == hash(b) {
		t.Errorf("hash(%q) = %q: want a stable 64-digit SHA-256 that differs per secret", a, h)
	}
}

// Headers that are not a bearer token are refused before any lookup.
func TestAuthenticateRefusesOtherSchemes(t *testing.T) {
	for _, header := range []string{"Basic YWRhOnB3", "Bearer", "Bearer   ", "Token ap_x", "ap_x"} {
		_, err := Authenticate(context.Background(), nil, header, time.Now())
		var authErr *Error
		if !errors.As(err, &authErr) || !strings.Contains(authErr.Message, "Bearer <token>") {
			t.Errorf("%q: %v, want a request to send a bearer token", header, err)
		}
	}
}
