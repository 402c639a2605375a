-- CreateEnum
CREATE TYPE "ReportBookingStatus" AS ENUM ('PENDING', 'CONFIRMED', 'CANCELLED', 'PAYMENT_FAILED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "ReportType" AS ENUM ('summary', 'occupancy', 'revenue', 'bookings');

-- CreateEnum
CREATE TYPE "ReportFormat" AS ENUM ('json', 'csv');

-- CreateEnum
CREATE TYPE "ReportStatus" AS ENUM ('PENDING', 'GENERATING', 'READY', 'FAILED');

-- CreateEnum
CREATE TYPE "RevenuePeriod" AS ENUM ('day', 'week', 'month');

-- CreateTable
CREATE TABLE "report_bookings" (
    "booking_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "status" "ReportBookingStatus" NOT NULL,
    "start_time" TIMESTAMPTZ(3) NOT NULL,
    "end_time" TIMESTAMPTZ(3) NOT NULL,
    "attendees" INTEGER NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "paid_cents" INTEGER NOT NULL,
    "booking_created_at" TIMESTAMPTZ(3) NOT NULL,
    "confirmed_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "last_sequence" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "report_bookings_pkey" PRIMARY KEY ("booking_id")
);

-- CreateTable
CREATE TABLE "report_workspaces" (
    "workspace_id" UUID NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "opening_hours" JSONB,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "report_workspaces_pkey" PRIMARY KEY ("workspace_id")
);

-- CreateTable
CREATE TABLE "money_movements" (
    "event_id" UUID NOT NULL,
    "booking_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "event_type" VARCHAR(64) NOT NULL,

    CONSTRAINT "money_movements_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "processed_events" (
    "event_id" UUID NOT NULL,
    "type" VARCHAR(64) NOT NULL,
    "source" VARCHAR(64) NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "reports" (
    "id" UUID NOT NULL,
    "type" "ReportType" NOT NULL,
    "format" "ReportFormat" NOT NULL,
    "status" "ReportStatus" NOT NULL,
    "from_time" TIMESTAMPTZ(3) NOT NULL,
    "to_time" TIMESTAMPTZ(3) NOT NULL,
    "group_by" "RevenuePeriod",
    "workspace_id" UUID,
    "created_by" UUID NOT NULL,
    "idempotency_key" VARCHAR(255),
    "request_hash" CHAR(64) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lease_token" UUID,
    "lease_until" TIMESTAMPTZ(3),
    "row_count" INTEGER,
    "byte_size" BIGINT,
    "error" VARCHAR(1000),
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "report_chunks" (
    "report_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "content" TEXT NOT NULL,

    CONSTRAINT "report_chunks_pkey" PRIMARY KEY ("report_id", "seq")
);

-- CreateIndex
CREATE INDEX "report_bookings_start_time_workspace_id_idx" ON "report_bookings"("start_time", "workspace_id");

-- CreateIndex
CREATE INDEX "report_bookings_workspace_id_start_time_idx" ON "report_bookings"("workspace_id", "start_time");

-- CreateIndex
CREATE INDEX "report_workspaces_name_workspace_id_idx" ON "report_workspaces"("name", "workspace_id");

-- CreateIndex
CREATE INDEX "money_movements_occurred_at_currency_idx" ON "money_movements"("occurred_at", "currency");

-- CreateIndex
CREATE INDEX "money_movements_booking_id_idx" ON "money_movements"("booking_id");

-- CreateIndex
CREATE UNIQUE INDEX "reports_created_by_idempotency_key_key" ON "reports"("created_by", "idempotency_key");

-- CreateIndex
CREATE INDEX "reports_created_at_id_idx" ON "reports"("created_at", "id");

-- AddForeignKey
ALTER TABLE "report_chunks" ADD CONSTRAINT "report_chunks_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "reports"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Not expressible in schema.prisma: what the read model may hold (the consumer validates every
-- payload first; these keep a bug from writing nonsense), and what a report may be.
ALTER TABLE "report_bookings" ADD CONSTRAINT "report_bookings_range" CHECK ("end_time" > "start_time");
ALTER TABLE "report_bookings" ADD CONSTRAINT "report_bookings_attendees_positive" CHECK ("attendees" > 0);
ALTER TABLE "report_bookings" ADD CONSTRAINT "report_bookings_money_non_negative" CHECK ("price_cents" >= 0 AND "paid_cents" >= 0);
ALTER TABLE "report_bookings" ADD CONSTRAINT "report_bookings_currency_code" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "money_movements" ADD CONSTRAINT "money_movements_amount_non_zero" CHECK ("amount_cents" <> 0);
ALTER TABLE "money_movements" ADD CONSTRAINT "money_movements_currency_code" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "reports" ADD CONSTRAINT "reports_range" CHECK ("to_time" > "from_time");
ALTER TABLE "reports" ADD CONSTRAINT "reports_group_by_revenue_only" CHECK (("group_by" IS NOT NULL) = ("type" = 'revenue'));
ALTER TABLE "reports" ADD CONSTRAINT "reports_lease_while_generating" CHECK (("status" = 'GENERATING') = ("lease_token" IS NOT NULL AND "lease_until" IS NOT NULL));
ALTER TABLE "reports" ADD CONSTRAINT "reports_result_when_ready" CHECK ("status" <> 'READY' OR ("row_count" IS NOT NULL AND "byte_size" IS NOT NULL));
ALTER TABLE "report_chunks" ADD CONSTRAINT "report_chunks_seq_non_negative" CHECK ("seq" >= 0);

-- The generator looks for work without scanning finished reports.
CREATE INDEX "reports_awaiting_generation_idx" ON "reports"("created_at", "id") WHERE "status" IN ('PENDING', 'GENERATING');
