package apitest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// TestWebhookEndpoints: admins alone manage endpoints; the secret is shown
// at creation and rotation only; private addresses, unknown event types and
// accounts are refused with their fields.
func TestWebhookEndpoints(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		admin := e.as(newToken(t, e, newUser(t, e, "root"), user.RoleADMIN, false))
		editor := e.as(newToken(t, e, newUser(t, e, "ed"), user.RoleEDITOR, false))
		create := `mutation($in: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $in) { secret endpoint { id url eventTypes secretPrefix enabled } } }`
		in := func(url string, types ...string) map[string]any {
			return map[string]any{"in": map[string]any{"url": url, "eventTypes": types}}
		}
		public := "https://203.0.113.10/hooks" // TEST-NET-3: public, and no DNS needed

		if code, _ := editor.code(create, in(public, "*")); code != "FORBIDDEN" {
			t.Errorf("an editor created an endpoint: %s", code)
		}
		if code, _ := editor.code(`{ webhookEndpoints(first: 5) { totalCount } }`, nil); code != "FORBIDDEN" {
			t.Errorf("an editor listed endpoints: %s", code)
		}
		if code, _ := editor.code(`{ webhookDeliveries(first: 5) { totalCount } }`, nil); code != "FORBIDDEN" {
			t.Errorf("an editor read the delivery log: %s", code)
		}
		for url, why := range map[string]string{"http://127.0.0.1:9/hooks": "loopback", "http://10.1.2.3/hooks": "private", "ftp://203.0.113.10/x": "not http", "http://[::1]/x": "IPv6 loopback"} {
			if code, field := admin.code(create, in(url, "*")); code != "BAD_USER_INPUT" || field != "url" {
				t.Errorf("%s URL: %s %s, want BAD_USER_INPUT url", why, code, field)
			}
		}
		if code, field := admin.code(create, in(public, "stakeholder.renamed")); code != "BAD_USER_INPUT" || field != "eventTypes" {
			t.Errorf("unknown event type: %s %s", code, field)
		}
		if code, _ := admin.code(create, map[string]any{"in": map[string]any{"url": public, "eventTypes": []string{"*"}, "accountID": "999999"}}); code != "NOT_FOUND" {
			t.Errorf("unknown account: %s, want NOT_FOUND", code)
		}

		created := get(admin.must(create, in(public, "stakeholder.updated", "orgMap.health_grade_changed")), "createWebhookEndpoint")
		secret := get(created, "secret").(string)
		id := get(created, "endpoint", "id").(string)
		if !strings.HasPrefix(secret, "whsec_") || !strings.HasPrefix(secret, get(created, "endpoint", "secretPrefix").(string)) {
			t.Errorf("secret %q, prefix %v", secret, get(created, "endpoint", "secretPrefix"))
		}
		rotated := get(admin.must(`mutation($id: ID!) { rotateWebhookEndpointSecret(id: $id) { secret } }`, map[string]any{"id": id}), "rotateWebhookEndpointSecret", "secret").(string)
		if rotated == secret || !strings.HasPrefix(rotated, "whsec_") {
			t.Errorf("rotated secret %q, was %q", rotated, secret)
		}
		if stored := e.client.WebhookEndpoint.GetX(context.Background(), intID(t, id)); stored.Secret != rotated {
			t.Error("the rotated secret is not the one that signs")
		}
		page := admin.must(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { url eventTypes history(first: 10) { edges { node { fields { field new } } } } } } }`, map[string]any{"id": id})
		for _, s := range []string{secret, rotated} {
			if strings.Contains(toJSON(page), s[len("whsec_"):]) {
				t.Error("a query shows the secret")
			}
		}

		if n := totalCount(get(editor.must(`{ changes(first: 50, where: {subjectType: "WebhookEndpoint"}) { totalCount } }`, nil), "changes")); n != 0 {
			t.Errorf("an editor sees %d changes of webhook endpoints", n)
		}
		if n := totalCount(get(admin.must(`{ changes(first: 50, where: {subjectType: "WebhookEndpoint"}) { totalCount } }`, nil), "changes")); n == 0 {
			t.Error("an admin sees no change of webhook endpoints")
		}

		disabled := get(admin.must(`mutation($id: ID!) { disableWebhookEndpoint(id: $id, reason: "CRM migration") { enabled disabledReason } }`, map[string]any{"id": id}), "disableWebhookEndpoint")
		if !sameJSON(disabled, map[string]any{"enabled": false, "disabledReason": "CRM migration"}) {
			t.Errorf("disabled: %v", disabled)
		}
		enabled := get(admin.must(`mutation($id: ID!) { enableWebhookEndpoint(id: $id) { enabled disabledReason } }`, map[string]any{"id": id}), "enableWebhookEndpoint")
		if !sameJSON(enabled, map[string]any{"enabled": true, "disabledReason": ""}) {
			t.Errorf("enabled: %v", enabled)
		}
		updated := get(admin.must(`mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: {eventTypes: ["*"]}) { url eventTypes } }`, map[string]any{"id": id}), "updateWebhookEndpoint")
		if !sameJSON(updated, map[string]any{"url": public, "eventTypes": []any{"*"}}) {
			t.Errorf("updated: %v", updated)
		}
		types := get(admin.must(`{ webhookEventTypes }`, nil), "webhookEventTypes").([]any)
		if len(types) < 40 || !strings.Contains(toJSON(types), `"stakeholder.lost_supportive_path"`) {
			t.Errorf("webhookEventTypes: %v", types)
		}
	})
}

// TestWebhookEndpointsOnPrivateAddressesWhenAllowed: the setting the tests
// and a closed network use lets endpoints be on loopback.
func TestWebhookEndpointsOnPrivateAddressesWhenAllowed(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{Open: true, GraphQL: graph.Settings{WebhooksAllowPrivate: true}}, func(t *testing.T, e *env) {
		e.must(`mutation { createWebhookEndpoint(input: {url: "http://127.0.0.1:9/hooks", eventTypes: ["*"]}) { secret } }`, nil)
	})
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
