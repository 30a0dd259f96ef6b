// Package webhook manages the webhook endpoints admins subscribe, signs what
// is sent to them (Standard Webhooks), refuses private addresses, and
// derives the org map's events from the changes the outbox holds.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/schema/outbox"
	"github.com/accountplan/accountplan/ent/webhookdelivery"
)

// SecretPrefix starts every signing secret, as the Standard Webhooks specification has it.
const SecretPrefix = "whsec_"

// EndpointInput is a new endpoint, or the fields of one to change (nil keeps).
type EndpointInput struct {
	URL            *string
	Description    *string
	EventTypes     []string
	AccountID      *int
	ClearAccountID bool
}

// Secret is an endpoint and its signing secret, shown this once.
type Secret struct {
	Endpoint *ent.WebhookEndpoint
	Secret   string
}

// CreateEndpoint subscribes a URL to events and makes its signing secret.
func CreateEndpoint(ctx context.Context, client *ent.Client, in EndpointInput, allowPrivate bool) (*Secret, error) {
	if in.URL == nil {
		return nil, &clienterr.InputError{Field: "url", Message: "give the URL to send events to"}
	}
	if err := check(ctx, client, in, allowPrivate); err != nil {
		return nil, err
	}
	secret := NewSecret()
	e, err := client.WebhookEndpoint.Create().
		SetURL(*in.URL).
		SetNillableDescription(in.Description).
		SetEventTypes(in.EventTypes).
		SetNillableAccountID(in.AccountID).
		SetSecret(secret).
		SetSecretPrefix(secret[:len(SecretPrefix)+4]).
		Save(ctx)
	if err != nil {
		return nil, err
	}
	return &Secret{Endpoint: e, Secret: secret}, nil
}

// UpdateEndpoint changes an endpoint's URL, description, event types or account.
func UpdateEndpoint(ctx context.Context, client *ent.Client, id int, in EndpointInput, allowPrivate bool) (*ent.WebhookEndpoint, error) {
	if err := check(ctx, client, in, allowPrivate); err != nil {
		return nil, err
	}
	u := client.WebhookEndpoint.UpdateOneID(id).SetNillableURL(in.URL).SetNillableDescription(in.Description).SetNillableAccountID(in.AccountID)
	if in.ClearAccountID {
		u.ClearAccountID()
	}
	if in.EventTypes != nil {
		u.SetEventTypes(in.EventTypes)
	}
	return u.Save(ctx)
}

// RotateSecret gives an endpoint a new signing secret, shown this once; the old one stops at once.
func RotateSecret(ctx context.Context, client *ent.Client, id int) (*Secret, error) {
	secret := NewSecret()
	e, err := client.WebhookEndpoint.UpdateOneID(id).SetSecret(secret).SetSecretPrefix(secret[:len(SecretPrefix)+4]).Save(ctx)
	if err != nil {
		return nil, err
	}
	return &Secret{Endpoint: e, Secret: secret}, nil
}

// DisableEndpoint stops sending to an endpoint, saying why; its deliveries wait.
func DisableEndpoint(ctx context.Context, client *ent.Client, id int, reason string) (*ent.WebhookEndpoint, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, &clienterr.InputError{Field: "reason", Message: "say why the endpoint is disabled"}
	}
	return client.WebhookEndpoint.UpdateOneID(id).SetEnabled(false).SetDisabledReason(reason).Save(ctx)
}

// EnableEndpoint sends to an endpoint again, its waiting deliveries first.
func EnableEndpoint(ctx context.Context, client *ent.Client, id int) (*ent.WebhookEndpoint, error) {
	return client.WebhookEndpoint.UpdateOneID(id).SetEnabled(true).SetDisabledReason("").ClearFailingSince().Save(ctx)
}

// Redeliver queues a delivery's event to its endpoint again, as a new delivery
// with the same webhook-id, sent at once.
func Redeliver(ctx context.Context, client *ent.Client, id int, now time.Time) (*ent.WebhookDelivery, error) {
	d, err := client.WebhookDelivery.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return client.WebhookDelivery.Create().
		SetEndpointID(d.EndpointID).SetEventID(d.EventID).SetEventType(d.EventType).
		SetSubjectType(d.SubjectType).SetSubjectID(d.SubjectID).SetPayload(d.Payload).
		SetStatus(webhookdelivery.StatusPENDING).SetNextAttemptAt(now).SetNillableEventAt(d.EventAt).
		Save(ctx)
}

// check refuses a URL the server may not call, unknown event types and an unknown account.
func check(ctx context.Context, client *ent.Client, in EndpointInput, allowPrivate bool) error {
	if in.URL != nil {
		if err := CheckURL(ctx, *in.URL, allowPrivate); err != nil {
			return &clienterr.InputError{Field: "url", Message: err.Error()}
		}
	}
	if in.EventTypes != nil && len(in.EventTypes) == 0 {
		return &clienterr.InputError{Field: "eventTypes", Message: "name at least one event type, or * for every type (webhookEventTypes lists them)"}
	}
	known := outbox.Types()
	for _, t := range in.EventTypes {
		if _, found := slices.BinarySearch(known, t); !found && t != "*" {
			return &clienterr.InputError{Field: "eventTypes", Message: fmt.Sprintf("%q is not an event type: webhookEventTypes lists them", t)}
		}
	}
	if in.AccountID != nil {
		exists, err := client.Account.Query().Where(account.ID(*in.AccountID)).Exist(ctx)
		if err != nil {
			return err
		}
		if !exists {
			return &clienterr.ReferenceError{Field: "accountID", Type: "Account", ID: *in.AccountID}
		}
	}
	return nil
}

// NewSecret is a signing secret: whsec_ and 24 random bytes in base64.
func NewSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// Sign is the webhook-signature header of a message: v1, and the base64
// HMAC-SHA256 of "id.timestamp.body" keyed with the secret's decoded bytes.
func Sign(secret, id string, at time.Time, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, at.Unix())
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// MessageID is the webhook-id of an event: the same on every attempt.
func MessageID(eventID int) string { return "msg_" + strconv.Itoa(eventID) }

// CheckURL refuses what is not an http(s) URL, and, unless allowPrivate, a
// host on a private, loopback or link-local address (the dispatcher checks
// the address it connects to again).
func CheckURL(ctx context.Context, raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return fmt.Errorf("must be an http or https URL with a host, such as https://crm.example.com/hooks")
	}
	if u.User != nil {
		return fmt.Errorf("must not carry a user name or password: the signature proves who sends")
	}
	if allowPrivate {
		return nil
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", u.Hostname())
	if err != nil {
		return fmt.Errorf("the host %s does not resolve", u.Hostname())
	}
	for _, a := range addrs {
		if Private(a) {
			return fmt.Errorf("the host %s is on a private or loopback address (%s): the server refuses those unless started with -webhooks-allow-private", u.Hostname(), a)
		}
	}
	return nil
}

// carrierNAT is the shared address space of RFC 6598, private in practice.
var carrierNAT = netip.MustParsePrefix("100.64.0.0/10")

// Private is whether an address is one a webhook must not reach by default.
func Private(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() || carrierNAT.Contains(a)
}
