package httpedge

import (
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
)

// maxKeySet is the most of a key set response read: real ones are a few KB.
const maxKeySet = 1 << 20

// errUnknownKey refuses a token whose key ID the issuer's keys do not hold.
var errUnknownKey = errors.New("oidc: no key of the issuer has the token's key ID")

// issuerKeys is the issuer's key set (JWKS), kept and fetched again when a
// token names a key ID it does not hold, which is how issuers rotate keys,
// but not within wait of the last fetch: go-oidc's RemoteKeySet fetches
// again for every such token, so tokens with made-up key IDs could make the
// server fetch the issuer's keys once each.
type issuerKeys struct {
	url    string
	client *http.Client
	wait   time.Duration

	fetching sync.Mutex // one fetch at a time; those waiting then look again

	mu      sync.RWMutex
	keys    []jose.JSONWebKey
	fetched time.Time // the last fetch, failed or not
}

// VerifySignature implements oidc.KeySet with the keys of the token's key ID
// (all of them for a token without one).
func (k *issuerKeys) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	kid, err := keyID(jwt)
	if err != nil {
		return nil, err
	}
	keys, err := k.find(ctx, kid)
	if err != nil {
		return nil, err
	}
	return (&oidc.StaticKeySet{PublicKeys: keys}).VerifySignature(ctx, jwt)
}

func (k *issuerKeys) find(ctx context.Context, kid string) ([]crypto.PublicKey, error) {
	keys, due := k.lookup(kid)
	if len(keys) > 0 {
		return keys, nil
	}
	if !due {
		return nil, errUnknownKey
	}
	k.fetching.Lock()
	defer k.fetching.Unlock()
	keys, due = k.lookup(kid)
	if len(keys) > 0 {
		return keys, nil
	}
	if !due {
		return nil, errUnknownKey
	}
	err := k.fetch(ctx)
	if keys, _ = k.lookup(kid); len(keys) > 0 {
		return keys, nil
	}
	if err != nil {
		return nil, err
	}
	return nil, errUnknownKey
}

// lookup returns the keys held for kid, and whether a fetch is due for want
// of them: none was made yet, or the last one is older than the wait.
func (k *issuerKeys) lookup(kid string) (keys []crypto.PublicKey, due bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	for _, key := range k.keys {
		if kid == "" || key.KeyID == kid {
			keys = append(keys, key.Key)
		}
	}
	if len(keys) > 0 {
		return keys, false
	}
	return nil, k.fetched.IsZero() || time.Since(k.fetched) >= k.wait
}

// fetch reads the key set anew; a failed fetch keeps the keys held.
func (k *issuerKeys) fetch(ctx context.Context) error {
	// The fetch serves every request waiting, so it outlives the one that started it.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	set, err := k.get(ctx)
	k.mu.Lock()
	defer k.mu.Unlock()
	k.fetched = time.Now()
	if err != nil {
		return fmt.Errorf("oidc: fetching the issuer's keys: %w", err)
	}
	k.keys = k.keys[:0]
	for _, key := range set.Keys {
		if key.Use != "enc" && key.Valid() {
			k.keys = append(k.keys, key.Public())
		}
	}
	return nil
}

func (k *issuerKeys) get(ctx context.Context) (*jose.JSONWebKeySet, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := k.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", k.url, resp.Status)
	}
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxKeySet)).Decode(&set); err != nil {
		return nil, fmt.Errorf("%s: %w", k.url, err)
	}
	return &set, nil
}

// keyID reads the kid of a compact JWS's protected header; "" when it has none.
func keyID(jwt string) (string, error) {
	header, _, ok := strings.Cut(jwt, ".")
	if !ok {
		return "", errors.New("oidc: malformed jwt")
	}
	raw, err := base64.RawURLEncoding.DecodeString(header)
	if err != nil {
		return "", fmt.Errorf("oidc: malformed jwt header: %w", err)
	}
	var h struct {
		KeyID string `json:"kid"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return "", fmt.Errorf("oidc: malformed jwt header: %w", err)
	}
	return h.KeyID, nil
}
