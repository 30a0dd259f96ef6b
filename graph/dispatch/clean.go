package dispatch

import (
	"context"
	"errors"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/webhookdelivery"
	"github.com/accountplan/accountplan/ent/webhookdeliveryattempt"
	"github.com/accountplan/accountplan/ent/webhookevent"
)

// cleanLock is the PostgreSQL advisory lock one server at a time cleans under.
const cleanLock = 0x77686364 // "whcd"

// maxCleanBatches bounds the batches one Clean deletes, so that a large
// backlog of old rows never holds the dispatcher from sending for long.
const maxCleanBatches = 20

// Clean deletes what is older than Retain and no longer needed: deliveries
// delivered or failed (with their attempts), and events fanned out with no
// delivery pending. It deletes in transactions of at most CleanBatch rows of
// a kind, and says how many deliveries and events it deleted.
func (d *Dispatcher) Clean(ctx context.Context, now time.Time) (int, error) {
	if d.s.Retain <= 0 {
		return 0, nil
	}
	cutoff := now.Add(-d.s.Retain)
	total := 0
	for range maxCleanBatches {
		deliveries, events, err := d.cleanBatch(ctx, cutoff)
		total += deliveries + events
		if err != nil || (deliveries < d.s.CleanBatch && events < d.s.CleanBatch) {
			return total, err
		}
	}
	return total, nil
}

// cleanBatch deletes one batch of old deliveries, their attempts, and old
// events, in one transaction; on PostgreSQL a server that finds another
// cleaning leaves it the work.
func (d *Dispatcher) cleanBatch(ctx context.Context, cutoff time.Time) (int, int, error) {
	tx, err := d.client.Tx(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	if d.postgres {
		rows, err := tx.QueryContext(ctx, "SELECT pg_try_advisory_xact_lock($1)", cleanLock)
		if err != nil {
			return 0, 0, err
		}
		var locked bool
		for rows.Next() {
			err = rows.Scan(&locked)
		}
		if err = errors.Join(err, rows.Close()); err != nil || !locked {
			return 0, 0, err
		}
	}
	// A pending delivery is never deleted: it is claimed, retried or waits for its endpoint.
	deliveries, err := tx.WebhookDelivery.Query().
		Where(webhookdelivery.StatusIn(webhookdelivery.StatusDELIVERED, webhookdelivery.StatusFAILED), webhookdelivery.CreatedAtLT(cutoff)).
		Order(ent.Asc(webhookdelivery.FieldID)).Limit(d.s.CleanBatch).IDs(ctx)
	if err != nil {
		return 0, 0, err
	}
	if len(deliveries) > 0 {
		if _, err := tx.WebhookDeliveryAttempt.Delete().Where(webhookdeliveryattempt.DeliveryIDIn(deliveries...)).Exec(ctx); err != nil {
			return 0, 0, err
		}
		if _, err := tx.WebhookDelivery.Delete().Where(webhookdelivery.IDIn(deliveries...)).Exec(ctx); err != nil {
			return 0, 0, err
		}
	}
	// An event not yet fanned out, or with a delivery pending, stays.
	events, err := tx.WebhookEvent.Query().
		Where(webhookevent.FannedOut(true), webhookevent.AtLT(cutoff), noPendingDelivery).
		Order(ent.Asc(webhookevent.FieldID)).Limit(d.s.CleanBatch).IDs(ctx)
	if err != nil {
		return 0, 0, err
	}
	if len(events) > 0 {
		if _, err := tx.WebhookEvent.Delete().Where(webhookevent.IDIn(events...)).Exec(ctx); err != nil {
			return 0, 0, err
		}
	}
	return len(deliveries), len(events), tx.Commit()
}

// noPendingDelivery keeps the events with no delivery pending.
func noPendingDelivery(s *entsql.Selector) {
	p := entsql.Table(webhookdelivery.Table).As("pending")
	s.Where(entsql.NotExists(entsql.Select(p.C(webhookdelivery.FieldID)).From(p).Where(entsql.And(
		entsql.ColumnsEQ(p.C(webhookdelivery.FieldEventID), s.C(webhookevent.FieldID)),
		entsql.EQ(p.C(webhookdelivery.FieldStatus), webhookdelivery.StatusPENDING),
	))))
}
