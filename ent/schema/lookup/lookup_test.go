package lookup_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/lookup"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestEveryType: for every type of the schema, Exists finds a record of the
// type by its ID and no other (IDs are global: one of another type is in no
// row of the type's table), and Records reads the records in the order of
// the IDs asked for, nil where there is none.
func TestEveryType(t *testing.T) {
	storetest.Each(t, func(t *testing.T, client *ent.Client) {
		ctx := context.Background()
		a, b := storetest.NewTree(t, client, "a"), storetest.NewTree(t, client, "b")
		ids := func(tree storetest.Tree) map[string]int {
			out := map[string]int{ent.TypeUser: tree.User, ent.TypeProduct: tree.Product}
			for typ, id := range tree.IDs {
				out[typ] = id
			}
			return out
		}
		first, second := ids(a), ids(b)
		first[ent.TypeIcpCriterion] = client.IcpCriterion.Create().SetAttribute("INDUSTRY").SetValue("Retail").SetGrade("IDEAL").SaveX(ctx).ID
		second[ent.TypeIcpCriterion] = client.IcpCriterion.Create().SetAttribute("INDUSTRY").SetValue("Banking").SetGrade("IDEAL").SaveX(ctx).ID
		first[ent.TypeAPIToken] = client.APIToken.Create().SetName("a").SetSecretHash("a").SetPrefix("a").SetUserID(a.User).SaveX(ctx).ID
		second[ent.TypeAPIToken] = client.APIToken.Create().SetName("b").SetSecretHash("b").SetPrefix("b").SetUserID(b.User).SaveX(ctx).ID
		first[ent.TypeChange] = client.Change.Create().SetOperation("CREATE").SetSubjectType("User").SetSubjectID(a.User).SetFields(nil).SaveX(ctx).ID
		second[ent.TypeChange] = client.Change.Create().SetOperation("CREATE").SetSubjectType("User").SetSubjectID(b.User).SetFields(nil).SaveX(ctx).ID
		for _, m := range []map[string]int{first, second} {
			ep := client.WebhookEndpoint.Create().SetURL("https://203.0.113.10/").SetEventTypes([]string{"*"}).SetSecret("s").SetSecretPrefix("s").SaveX(ctx)
			ev := client.WebhookEvent.Create().SetType("user.created").SetSubjectType("User").SetSubjectID(a.User).SetPayload("{}").SaveX(ctx)
			m[ent.TypeWebhookEndpoint], m[ent.TypeWebhookEvent] = ep.ID, ev.ID
			m[ent.TypeWebhookDelivery] = client.WebhookDelivery.Create().SetEndpointID(ep.ID).SetEventID(ev.ID).SetEventType(ev.Type).
				SetSubjectType("User").SetSubjectID(a.User).SetPayload("{}").SaveX(ctx).ID
			m[ent.TypeWebhookDeliveryAttempt] = client.WebhookDeliveryAttempt.Create().SetDeliveryID(m[ent.TypeWebhookDelivery]).SetNumber(1).
				SetStartedAt(time.Now()).SetDurationMs(1).SetStatusCode(204).SaveX(ctx).ID
		}
		first[ent.TypeOrgMapSignal] = client.OrgMapSignal.Create().SetAccountID(a.Account).SetGrade("RED").SetSingleThreaded(true).SaveX(ctx).ID
		second[ent.TypeOrgMapSignal] = client.OrgMapSignal.Create().SetAccountID(b.Account).SetGrade("RED").SetSingleThreaded(true).SaveX(ctx).ID

		for typ := range ent.GraphQLNames {
			t.Run(typ, func(t *testing.T) {
				id, ok := first[typ]
				if !ok {
					t.Fatalf("no record of %s in this test", typ)
				}
				exists := func(id int) bool {
					t.Helper()
					found, err := lookup.Exists(ctx, client, typ, id)
					if err != nil {
						t.Fatal(err)
					}
					return found
				}
				if !exists(id) {
					t.Errorf("Exists(%s, %d) = false for a record of the type", typ, id)
				}
				other := first[ent.TypeUser]
				if typ == ent.TypeUser {
					other = first[ent.TypeProduct]
				}
				if exists(other) || exists(0) || exists(id+1_000_000) {
					t.Errorf("Exists(%s) = true for an ID of another type or of no record", typ)
				}

				if typ == ent.TypeWebhookEvent || typ == ent.TypeOrgMapSignal {
					return // not in the API, so no Noder, and no history reads them
				}
				records, err := lookup.Records(ctx, client, typ, []int{second[typ], 0, id, second[typ]})
				if err != nil {
					t.Fatal(err)
				}
				got := make([]int, len(records))
				for i, r := range records {
					if r == nil {
						continue
					}
					if name := reflect.TypeOf(r).Elem().Name(); name != typ {
						t.Errorf("Records(%s) read a %s", typ, name)
					}
					got[i] = reflect.ValueOf(r).Elem().FieldByName("ID").Interface().(int)
				}
				if want := []int{second[typ], 0, id, second[typ]}; !reflect.DeepEqual(got, want) {
					t.Errorf("Records(%s) read IDs %v, want %v", typ, got, want)
				}
				if records, err := lookup.Records(ctx, client, typ, nil); err != nil || len(records) != 0 {
					t.Errorf("Records(%s) of no IDs = %v, %v", typ, records, err)
				}
			})
		}
	})
}

// TestWholeRecords: Records reads every field of a record, not some.
func TestWholeRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, client *ent.Client) {
		ctx := context.Background()
		tree := storetest.NewTree(t, client, "a")
		want := client.Stakeholder.UpdateOneID(tree.Stakeholder).SetTitle("CFO").SetNotes("Met twice").SetRank(4).SaveX(ctx)
		records, err := lookup.Records(ctx, client, ent.TypeStakeholder, []int{tree.Stakeholder})
		if err != nil {
			t.Fatal(err)
		}
		got := records[0].(*ent.Stakeholder)
		if got.Name != want.Name || got.Title != "CFO" || got.Notes != "Met twice" || got.Rank == nil || *got.Rank != 4 || got.Version != want.Version ||
			!got.UpdatedAt.Equal(want.UpdatedAt) {
			t.Errorf("Records read %+v, want %+v", got, want)
		}
	})
}

// TestUnknownType: a type the client does not have is a programming error.
func TestUnknownType(t *testing.T) {
	client := storetest.SQLite(t).Client
	defer func() {
		if recover() == nil {
			t.Error("Exists of an unknown type did not panic")
		}
	}()
	_, _ = lookup.Exists(context.Background(), client, "Nothing", 1)
}
