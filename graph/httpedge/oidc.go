package httpedge

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/accountplan/accountplan/graph/auth"
)

// asymmetric are the signing algorithms accepted when keys come from a JWKS
// URL, with no discovery document to list them.
var asymmetric = []string{
	oidc.RS256, oidc.RS384, oidc.RS512, oidc.ES256, oidc.ES384, oidc.ES512,
	oidc.PS256, oidc.PS384, oidc.PS512, oidc.EdDSA,
}

// NewOIDC signs in JWTs from the issuer cfg names, for Settings.OIDC. Unless
// cfg names a JWKS URL it discovers the issuer first, so that a server set up
// for an issuer it cannot reach does not start. The issuer's keys are kept
// and fetched again when a token names a key ID not seen yet, which is how
// issuers rotate keys, at most once per cfg.KeyRefetchWait; a fetch takes
// 10 s at most.
func NewOIDC(ctx context.Context, cfg auth.OIDCConfig) (*auth.OIDC, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: 10 * time.Second}
	// exp and nbf are checked by auth, with auth.ClockSkew both ways.
	config := &oidc.Config{ClientID: cfg.Audience, SkipExpiryCheck: true, SupportedSigningAlgs: asymmetric}
	keys := &issuerKeys{url: cfg.JWKSURL, client: client, wait: cfg.KeyRefetchWait}
	if keys.wait <= 0 {
		keys.wait = auth.DefaultKeyRefetchWait
	}
	if cfg.JWKSURL == "" {
		discoverCtx, cancel := context.WithTimeout(oidc.ClientContext(ctx, client), 15*time.Second)
		defer cancel()
		provider, err := oidc.NewProvider(discoverCtx, cfg.Issuer)
		if err != nil {
			return nil, fmt.Errorf("company sign-in: discovering the issuer %s: %w", strings.TrimSuffix(cfg.Issuer, "/"), err)
		}
		var doc struct {
			JWKSURL    string   `json:"jwks_uri"`
			Algorithms []string `json:"id_token_signing_alg_values_supported"`
		}
		if err := provider.Claims(&doc); err != nil {
			return nil, fmt.Errorf("company sign-in: the discovery document of %s: %w", strings.TrimSuffix(cfg.Issuer, "/"), err)
		}
		keys.url = doc.JWKSURL
		if algs := slices.DeleteFunc(doc.Algorithms, func(a string) bool { return !slices.Contains(asymmetric, a) }); len(algs) > 0 {
			config.SupportedSigningAlgs = algs
		}
	}
	verifier := oidc.NewVerifier(cfg.Issuer, keys, config)
	return auth.NewOIDC(cfg, func(ctx context.Context, raw string) (map[string]any, error) {
		token, err := verifier.Verify(ctx, raw)
		if err != nil {
			return nil, err
		}
		var claims map[string]any
		err = token.Claims(&claims)
		return claims, err
	})
}
