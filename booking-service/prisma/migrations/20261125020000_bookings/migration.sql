-- btree_gist lets one GiST index combine equality on workspace_id with range overlap
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- CreateEnum
CREATE TYPE "BookingStatus" AS ENUM ('PENDING', 'CONFIRMED', 'CANCELLED');

-- CreateTable
CREATE TABLE "bookings" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "start_time" TIMESTAMPTZ(3) NOT NULL,
    "end_time" TIMESTAMPTZ(3) NOT NULL,
    "attendees" INTEGER NOT NULL,
    "status" "BookingStatus" NOT NULL DEFAULT 'PENDING',
    "price_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "created_by" UUID NOT NULL,
    "idempotency_key" VARCHAR(255) NOT NULL,
    "request_hash" CHAR(64) NOT NULL,
    "user_email" VARCHAR(320) NOT NULL,
    "user_full_name" VARCHAR(200) NOT NULL,
    "workspace_name" VARCHAR(120) NOT NULL,
    "workspace_timezone" VARCHAR(64) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "confirmed_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "bookings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "bookings_time_range_check" CHECK ("end_time" > "start_time"),
    CONSTRAINT "bookings_attendees_check" CHECK ("attendees" > 0),
    CONSTRAINT "bookings_price_check" CHECK ("price_cents" >= 0)
);

-- No two active bookings of one workspace may overlap, whatever the concurrency: the database
-- refuses the second with SQLSTATE 23P01. Half-open ranges, so back-to-back bookings coexist.
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_no_overlap"
    EXCLUDE USING gist ("workspace_id" WITH =, tstzrange("start_time", "end_time", '[)') WITH &&)
    WHERE ("status" IN ('PENDING', 'CONFIRMED'));

-- CreateTable
CREATE TABLE "outbox_events" (
    "id" UUID NOT NULL,
    "position" BIGSERIAL NOT NULL,
    "type" VARCHAR(64) NOT NULL,
    "aggregate_id" UUID NOT NULL,
    "schema_version" INTEGER NOT NULL,
    "payload" JSONB NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "bookings_created_by_idempotency_key_key" ON "bookings"("created_by", "idempotency_key");

-- CreateIndex
CREATE INDEX "bookings_workspace_id_start_time_idx" ON "bookings"("workspace_id", "start_time");

-- CreateIndex
CREATE INDEX "bookings_user_id_created_at_id_idx" ON "bookings"("user_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "bookings_created_at_id_idx" ON "bookings"("created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_events_position_key" ON "outbox_events"("position");

-- CreateIndex
CREATE INDEX "outbox_events_aggregate_id_position_idx" ON "outbox_events"("aggregate_id", "position");
