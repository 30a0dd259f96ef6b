package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"regexp"

	"github.com/accountplan/accountplan/ent/hook"
	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/schema/mapversion"
	"github.com/accountplan/accountplan/ent/schema/rule"
	"github.com/accountplan/accountplan/ent/schema/totals"
)

// User is one of our people: a seller, sales engineer, customer success manager or leader.
type User struct{ ent.Schema }

// Mixin of the User.
func (User) Mixin() []ent.Mixin { return mixins() }

// Fields of the User.
func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).
			Comment("Full name.").
			Annotations(entgql.OrderField("NAME")),
		field.String("email").Unique().MaxLen(320).
			Match(regexp.MustCompile(`^[^@\s]+@[^@\s]+$`)).
			Comment("Work e-mail address; unique.").
			Annotations(entgql.OrderField("EMAIL")),
		field.String("title").Optional().MaxLen(200).
			Comment("Job title, e.g. Strategic Account Manager."),
		field.Enum("role").Annotations(valueDocs{
			"ADMIN":  "May change anything: users, roles, the product catalogue, every account.",
			"EDITOR": "May change the accounts they own or are on the team of, and everything under them.",
			"VIEWER": "May read everything and change only their own profile and tokens.",
		}).Values("ADMIN", "EDITOR", "VIEWER").Default("VIEWER").
			Comment("What the user may do: ADMIN anything, users and roles included; EDITOR change the accounts they own or are on the team of, and everything under them; VIEWER read. Everyone signed in reads everything. Only an admin sets it.").
			Annotations(entgql.OrderField("ROLE")),
		field.Enum("seniority").Annotations(valueDocs{
			"EXECUTIVE":    "Executive leadership: a C-level or the head of a line of business.",
			"VP":           "A vice president of a region or business unit.",
			"SALES_LEADER": "Sales leadership: a sales director or manager.",
			"INDIVIDUAL":   "An individual contributor: a seller, sales engineer, customer success manager.",
		}).Values("EXECUTIVE", "VP", "SALES_LEADER", "INDIVIDUAL").Optional().Nillable().
			Comment("How senior the user is, for the tier table: tier 1 reviews need executive leadership and VPs, tier 2 reviews executive leadership only when it is asked for. Empty when not recorded. Only an admin sets it.").
			Annotations(entgql.OrderField("SENIORITY")),
		field.Time("deactivated_at").Optional().Nillable().
			Comment("When an admin deactivated the user; from then on neither their API tokens nor company sign-in (OpenID Connect) let them in. Only an admin sets or clears it; clearing it lets them in again."),
	}
}

// Edges of the User.
func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("owned_accounts", Account.Type).
			Comment("Accounts this user owns.").
			Annotations(detachConnection()...),
		edge.To("team_memberships", AccountTeamMember.Type).
			Comment("The account teams this user is on, with their role.").
			Annotations(cascadeConnection()...),
		edge.To("owned_plans", AccountPlan.Type).
			Comment("Account plans this user owns.").
			Annotations(detachConnection()...),
		edge.To("owned_objectives", Objective.Type).
			Comment("Objectives this user owns.").
			Annotations(detachConnection()...),
		edge.To("action_items", ActionItem.Type).
			Comment("Action items assigned to this user.").
			Annotations(detachConnection()...),
		edge.To("relationships", Relationship.Type).
			Comment("This user's relationships with customer stakeholders.").
			Annotations(cascadeConnection()...),
		edge.To("owned_opportunities", Opportunity.Type).
			Comment("Opportunities this user owns.").
			Annotations(detachConnection()...),
		edge.To("api_tokens", APIToken.Type).
			Comment("The user's API tokens; only they and admins see them.").
			Annotations(cascadeConnection()...),
		edge.To("changes", Change.Type).
			Comment("The changes this user made through the API.").
			Annotations(detachConnection()...),
		edge.From("reviews", Review.Type).Ref("attendees").
			Comment("Reviews (meetings about an account) this user attended.").
			Annotations(connection()),
	}
}

// Annotations of the User.
func (User) Annotations() []schema.Annotation {
	return node("One of our people (seller, sales engineer, customer success, leader). Deleting a user removes their team memberships and relationships and clears them as owner elsewhere.")
}

// Hooks of the User: a user's name and the like show on the maps of the
// accounts where they have relationships; deleting a user leaves the accounts
// they own without an owner, in another segment of the metric totals.
func (User) Hooks() []ent.Hook {
	return []ent.Hook{hook.Unless(mapversion.TouchMaps, ent.OpCreate), totals.Hook(ent.OpDelete | ent.OpDeleteOne)}
}

// Policy of the User: admins manage users, roles and e-mail addresses;
// everyone may edit their own name and title.
func (User) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rule.AllowOwnProfile(), rule.DenyAll("only an admin may create, change or delete other users")},
	}
}
