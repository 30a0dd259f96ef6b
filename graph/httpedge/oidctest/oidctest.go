// Package oidctest is an OpenID Connect issuer for trying company sign-in
// without an identity provider: a discovery document, the key set (one RSA
// key, made when it starts) and /token, which signs an ID token for the
// claims it is asked for. It trusts every caller: never expose it beyond
// loopback, and never point a real server at it.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Issuer signs ID tokens as the issuer at URL.
type Issuer struct {
	URL    string
	key    jose.JSONWebKey
	signer jose.Signer
}

// New makes an issuer that names itself url in its tokens and documents.
func New(url string) (*Issuer, error) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	key := jose.JSONWebKey{Key: rsaKey, KeyID: "dev-1", Algorithm: string(jose.RS256), Use: "sig"}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, err
	}
	return &Issuer{URL: strings.TrimSuffix(url, "/"), key: key, signer: signer}, nil
}

// Sign signs an ID token with these claims, adding iss, iat and exp (an hour) when they are missing.
func (i *Issuer) Sign(claims map[string]any) (string, error) {
	now := time.Now()
	for k, v := range map[string]any{"iss": i.URL, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()} {
		if _, ok := claims[k]; !ok {
			claims[k] = v
		}
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	obj, err := i.signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

// Handler serves discovery at /.well-known/openid-configuration, the keys at
// /keys, and at /token an ID token as plain text for the query's claims:
// email (required), aud (default accountplan-ui), name, groups (a
// comma-separated list) and ttl (a Go duration such as 10m).
func (i *Issuer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{
			"issuer": i.URL, "jwks_uri": i.URL + "/keys",
			"authorization_endpoint": i.URL + "/authorize", "token_endpoint": i.URL + "/token",
			"response_types_supported": []string{"id_token"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{i.key.Public()}})
	})
	mux.HandleFunc("GET /token", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		email := q.Get("email")
		if email == "" {
			http.Error(w, "give the user's address: /token?email=ada@example.com", http.StatusBadRequest)
			return
		}
		claims := map[string]any{"sub": "dev|" + email, "email": email, "email_verified": true, "aud": "accountplan-ui"}
		if aud := q.Get("aud"); aud != "" {
			claims["aud"] = aud
		}
		if name := q.Get("name"); name != "" {
			claims["name"] = name
		}
		if groups := q.Get("groups"); groups != "" {
			claims["groups"] = strings.Split(groups, ",")
		}
		if ttl := q.Get("ttl"); ttl != "" {
			d, err := time.ParseDuration(ttl)
			if err != nil {
				http.Error(w, "ttl: "+err.Error(), http.StatusBadRequest)
				return
			}
			claims["exp"] = time.Now().Add(d).Unix()
		}
		token, err := i.Sign(claims)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, token)
	})
	return mux
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
