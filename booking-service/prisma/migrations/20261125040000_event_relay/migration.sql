-- The outbox relay: one delivery row per event and subscriber, written in the transaction that
-- writes the event, so no subscriber can miss an event and each one's progress is its own.

-- Events carry the workspace's opening hours (as captured at booking time) so that reporting can
-- compute occupancy without calling workspace-service.
ALTER TABLE "bookings" ADD COLUMN "workspace_opening_hours" JSONB;

CREATE TYPE "DeliveryStatus" AS ENUM ('PENDING', 'DELIVERED', 'DEAD');

CREATE TABLE "outbox_deliveries" (
    "event_id" UUID NOT NULL,
    "subscriber" VARCHAR(64) NOT NULL,
    -- copied from the event: the relay orders one booking's deliveries by them without a join
    "aggregate_id" UUID NOT NULL,
    "position" BIGINT NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    -- due time; while a relay works on the row it is pushed out by the lease (RELAY_LEASE_MS)
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" VARCHAR(500),
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_deliveries_pkey" PRIMARY KEY ("event_id", "subscriber"),
    CONSTRAINT "outbox_deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "outbox_events"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "outbox_deliveries_attempts_check" CHECK ("attempts" >= 0)
);

-- what the relay claims: due, pending rows in write order
CREATE INDEX "outbox_deliveries_due_idx" ON "outbox_deliveries"("next_attempt_at", "position") WHERE "status" = 'PENDING';
-- "is an earlier event of this booking still undelivered to this subscriber?"
CREATE INDEX "outbox_deliveries_subscriber_aggregate_id_position_idx" ON "outbox_deliveries"("subscriber", "aggregate_id", "position");
-- the admin's view: dead (or pending) events
CREATE INDEX "outbox_deliveries_status_position_idx" ON "outbox_deliveries"("status", "position");

-- Events written before the relay existed go to the two default subscribers.
INSERT INTO "outbox_deliveries" ("event_id", "subscriber", "aggregate_id", "position")
SELECT e."id", s."name", e."aggregate_id", e."position"
FROM "outbox_events" e
CROSS JOIN (VALUES ('notification-service'), ('reporting-service')) AS s("name");
