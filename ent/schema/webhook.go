package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/schema/rule"
)

// WebhookEndpoint is a URL that receives the events an admin subscribed it to.
type WebhookEndpoint struct{ ent.Schema }

// Mixin of the WebhookEndpoint.
func (WebhookEndpoint) Mixin() []ent.Mixin { return mixins() }

// Fields of the WebhookEndpoint.
func (WebhookEndpoint) Fields() []ent.Field {
	byMutation := entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)
	return []ent.Field{
		field.String("url").NotEmpty().MaxLen(2000).
			Comment("Where the events are POSTed: an http or https URL. Addresses on private or loopback networks are refused unless the server allows them (-webhooks-allow-private).").
			Annotations(entgql.OrderField("URL")),
		field.String("description").Optional().MaxLen(500).
			Comment("What the endpoint is for, e.g. CRM sync."),
		field.Strings("event_types").
			Comment("The event types sent to this endpoint, e.g. stakeholder.updated or stakeholder.support_changed; * for every type.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		field.Int("account_id").Optional().Nillable().
			Comment("When set, only the events of this account are sent.").
			Annotations(entgql.Type("ID")),
		field.String("secret").Sensitive().
			Comment("The signing secret, whsec_ and base64: shown once, when the endpoint is created or its secret rotated.").
			Annotations(entgql.Skip()),
		field.String("secret_prefix").
			Comment("The first characters of the signing secret, to tell secrets apart.").
			Annotations(byMutation),
		field.Bool("enabled").Default(true).
			Comment("Whether events are sent; a disabled endpoint keeps its pending deliveries until it is enabled again.").
			Annotations(byMutation),
		field.String("disabled_reason").Optional().
			Comment("Why the endpoint was disabled: by an admin, or by the server after its deliveries kept failing.").
			Annotations(byMutation),
		field.Time("failing_since").Optional().Nillable().
			Comment("When its deliveries began to fail without a success since; null while they succeed.").
			Annotations(byMutation),
	}
}

// Edges of the WebhookEndpoint.
func (WebhookEndpoint) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("deliveries", WebhookDelivery.Type).
			Comment("The deliveries of events to this endpoint, with each one's last answer.").
			Annotations(cascadeConnection()...),
	}
}

// Annotations of the WebhookEndpoint: created, rotated and disabled by their own mutations.
func (WebhookEndpoint) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A URL the server POSTs events to, signed as the Standard Webhooks specification says (webhook-id, webhook-timestamp, webhook-signature). Admins alone see and manage endpoints."),
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}

// Policy of the WebhookEndpoint: admins alone.
func (WebhookEndpoint) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AdminsOnly("only an admin may see webhook endpoints")},
		Mutation: privacy.MutationPolicy{rule.DenyAll("only an admin may manage webhook endpoints")},
	}
}

// WebhookEvent is the outbox: one event to send, written in the transaction
// of the change it reports.
type WebhookEvent struct{ ent.Schema }

// Fields of the WebhookEvent.
func (WebhookEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Time("at").Immutable().Default(now).
			Comment("When the event happened."),
		field.String("type").Immutable().
			Comment("The event type, e.g. stakeholder.updated."),
		field.String("subject_type").Immutable().
			Comment("The type of the record the event is about."),
		field.Int("subject_id").Immutable().
			Comment("The ID of the record the event is about; its events are delivered in order."),
		field.Int("account_id").Optional().Nillable().Immutable().
			Comment("The account the record belongs to, or is."),
		field.Text("payload").Immutable().
			Comment("The JSON body sent."),
		field.Bool("fanned_out").Default(false).
			Comment("Whether its deliveries to the endpoints are written."),
	}
}

// Indexes of the WebhookEvent: the dispatcher reads the events not yet
// fanned out, and retention the old ones.
func (WebhookEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("fanned_out"), index.Fields("at")}
}

// Annotations of the WebhookEvent: not in the API; deliveries show its body.
func (WebhookEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of the WebhookEvent: written by the server alone.
func (WebhookEvent) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rule.AllowServer(), rule.DenyAll("webhook events are written by the server")},
	}
}

// WebhookDelivery is one event to send to one endpoint, and how it went.
type WebhookDelivery struct{ ent.Schema }

// Fields of the WebhookDelivery.
func (WebhookDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Immutable().Default(now).
			Comment("When the delivery was queued.").
			Annotations(entgql.OrderField("CREATED_AT")),
		field.Int("endpoint_id").Immutable().
			Comment("The endpoint it goes to.").
			Annotations(entgql.Type("ID")),
		field.Int("event_id").Immutable().
			Comment("The event sent; its webhook-id header is msg_ and this ID, the same on every attempt and redelivery.").
			Annotations(entgql.Type("ID")),
		field.String("event_type").Immutable().
			Comment("The event type, e.g. stakeholder.updated."),
		field.String("subject_type").Immutable().
			Comment("The type of the record the event is about."),
		field.Int("subject_id").Immutable().
			Comment("The ID of the record the event is about: its deliveries to one endpoint go in order.").
			Annotations(entgql.Type("ID")),
		field.Enum("status").Values("PENDING", "DELIVERED", "FAILED").Default("PENDING").
			Annotations(valueDocs{
				"PENDING":   "Not yet delivered: waiting for its turn, an earlier event of the same record, or its next attempt.",
				"DELIVERED": "The endpoint answered with a 2xx status.",
				"FAILED":    "Every attempt failed for the retry period; redeliverWebhook sends it again.",
			}, entgql.OrderField("STATUS")).
			Comment("Where the delivery stands."),
		field.Int("attempts").Default(0).
			Comment("How many times it was sent; attemptLog lists each one."),
		field.Time("next_attempt_at").Optional().Nillable().
			Comment("When it is sent next, while pending."),
		field.Int("last_status_code").Optional().Nillable().
			Comment("The HTTP status of the last attempt; null when there was no answer (a timeout, a refused connection)."),
		field.String("last_error").Optional().
			Comment("What went wrong in the last attempt, if it failed."),
		field.Time("last_attempt_at").Optional().Nillable().
			Comment("When it was last sent."),
		field.Time("delivered_at").Optional().Nillable().
			Comment("When the endpoint accepted it."),
		field.Text("payload").Immutable().
			Comment("The JSON body sent: type, timestamp and data, as the Standard Webhooks specification suggests.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		field.Time("event_at").Optional().Nillable().Immutable().
			Comment("When the event it sends was committed; null for deliveries queued before it was recorded."),
	}
}

// Edges of the WebhookDelivery.
func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("endpoint", WebhookEndpoint.Type).Ref("deliveries").Field("endpoint_id").Unique().Required().Immutable().
			Comment("The endpoint it goes to."),
		edge.To("attempt_log", WebhookDeliveryAttempt.Type).
			Comment("Each time it was sent, first to last: when, how long it took, and the answer's status code or what went wrong.").
			Annotations(cascadeConnection()...),
	}
}

// Indexes of the WebhookDelivery: the due deliveries, a record's earlier
// ones, an event's pending ones and the old ones retention deletes.
func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("status", "next_attempt_at"),
		index.Fields("endpoint_id", "subject_id", "status"),
		index.Fields("event_id", "status"),
		index.Fields("status", "created_at"),
	}
}

// Annotations of the WebhookDelivery: the delivery log, read-only.
func (WebhookDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("The delivery log: one event sent to one endpoint, with the number of attempts and the last answer's status code. Admins alone see it."),
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}

// Policy of the WebhookDelivery: the server writes it, an admin may queue it again.
func (WebhookDelivery) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AdminsOnly("only an admin may see webhook deliveries")},
		Mutation: privacy.MutationPolicy{rule.DenyReadOnly(), rule.AllowServerAndAdmins(), rule.DenyAll("only an admin may redeliver webhooks")},
	}
}

// WebhookDeliveryAttempt is one time a delivery was sent, and how it went.
type WebhookDeliveryAttempt struct{ ent.Schema }

// Fields of the WebhookDeliveryAttempt.
func (WebhookDeliveryAttempt) Fields() []ent.Field {
	return []ent.Field{
		field.Int("delivery_id").Immutable().
			Comment("The delivery sent.").
			Annotations(entgql.Type("ID")),
		field.Int("number").Immutable().Positive().
			Comment("Which attempt of the delivery it was: 1 for the first.").
			Annotations(entgql.OrderField("NUMBER")),
		field.Time("started_at").Immutable().
			Comment("When the request was sent (its webhook-timestamp).").
			Annotations(entgql.OrderField("STARTED_AT")),
		field.Float("duration_ms").Immutable().
			Comment("How long the attempt took, in milliseconds: from connecting to the end of the answer, or to the failure."),
		field.Int("status_code").Optional().Nillable().Immutable().
			Comment("The HTTP status the endpoint answered; null when there was no answer."),
		field.Enum("error_kind").Values("HTTP_STATUS", "TIMEOUT", "CONNECTION", "PRIVATE_ADDRESS", "TLS", "OTHER").Optional().Nillable().Immutable().
			Annotations(valueDocs{
				"HTTP_STATUS":     "The endpoint answered with a status other than 2xx (see statusCode).",
				"TIMEOUT":         "No answer within -webhooks-timeout.",
				"CONNECTION":      "The host did not resolve, refused the connection or closed it.",
				"PRIVATE_ADDRESS": "The host is on a private or loopback address, which the server refuses to connect to.",
				"TLS":             "The TLS handshake or the certificate failed.",
				"OTHER":           "Anything else; error says what.",
			}).
			Comment("What kind of failure it was; null when the endpoint accepted the event."),
		field.String("error").Optional().Immutable().
			Comment("What went wrong, if the attempt failed, without the URL."),
		field.String("response_excerpt").Optional().Immutable().
			Comment("The start of the answer's body (at most 256 bytes), to tell why an endpoint refused; never the whole body."),
	}
}

// Edges of the WebhookDeliveryAttempt.
func (WebhookDeliveryAttempt) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("delivery", WebhookDelivery.Type).Ref("attempt_log").Field("delivery_id").Unique().Required().Immutable().
			Comment("The delivery sent."),
	}
}

// Indexes of the WebhookDeliveryAttempt: a delivery's attempts, in order.
func (WebhookDeliveryAttempt) Indexes() []ent.Index {
	return []ent.Index{index.Fields("delivery_id", "number").Unique()}
}

// Annotations of the WebhookDeliveryAttempt: the per-attempt log, read through its delivery.
func (WebhookDeliveryAttempt) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("One attempt to send a webhook delivery: when, how long it took, and the endpoint's status code or the kind of failure. Admins alone see it."),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}

// Policy of the WebhookDeliveryAttempt: written by the server alone.
func (WebhookDeliveryAttempt) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AdminsOnly("only an admin may see webhook deliveries")},
		Mutation: privacy.MutationPolicy{rule.AllowServer(), rule.DenyAll("webhook delivery attempts are written by the server")},
	}
}

// OrgMapSignal is what the dispatcher last saw of an account's org map, to
// tell when its health grade, single-threading or decision makers' paths change.
type OrgMapSignal struct{ ent.Schema }

// Fields of the OrgMapSignal.
func (OrgMapSignal) Fields() []ent.Field {
	return []ent.Field{
		field.Int("account_id").Unique().Immutable().
			Comment("The account."),
		field.String("grade").
			Comment("The map's health grade."),
		field.Bool("single_threaded").
			Comment("Whether the account rests on a single contact."),
		field.Ints("reached").Optional().
			Comment("The decision makers and approvers a supportive path reaches."),
	}
}

// Annotations of the OrgMapSignal: kept by the server, not in the API.
func (OrgMapSignal) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of the OrgMapSignal: written by the server alone.
func (OrgMapSignal) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rule.AllowServer(), rule.DenyAll("org map signals are written by the server")},
	}
}
