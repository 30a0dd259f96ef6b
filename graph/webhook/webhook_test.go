package webhook_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/graph/webhook"
)

// TestSignMatchesTheStandardWebhooksVector: the signature of the test vector
// the Standard Webhooks reference libraries check, so their verifiers accept ours.
func TestSignMatchesTheStandardWebhooksVector(t *testing.T) {
	got, err := webhook.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; err != nil || got != want {
		t.Errorf("Sign = %q (%v), want %q", got, err, want)
	}
	if s := webhook.NewSecret(); !strings.HasPrefix(s, "whsec_") || len(s) != len("whsec_")+32 {
		t.Errorf("NewSecret = %q: want whsec_ and 24 bytes in base64", s)
	}
}

// TestPrivate: loopback, private, link-local, carrier NAT and unspecified
// addresses are private, IPv4 inside IPv6 too; public ones are not.
func TestPrivate(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1": true, "10.0.0.8": true, "172.16.3.4": true, "192.168.1.1": true, "169.254.169.254": true,
		"100.64.0.1": true, "0.0.0.0": true, "::1": true, "fd00::1": true, "fe80::1": true, "::ffff:127.0.0.1": true,
		"203.0.113.10": false, "8.8.8.8": false, "2001:4860:4860::8888": false,
	} {
		if got := webhook.Private(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Private(%s) = %v, want %v", addr, got, want)
		}
	}
	if err := webhook.CheckURL(context.Background(), "http://localhost:8080/x", false); err == nil {
		t.Error("CheckURL accepted localhost")
	}
	if err := webhook.CheckURL(context.Background(), "http://localhost:8080/x", true); err != nil {
		t.Errorf("CheckURL refused localhost when allowed: %v", err)
	}
}
