-- CreateEnum
CREATE TYPE "NotificationType" AS ENUM ('BOOKING_CONFIRMED', 'BOOKING_CANCELLED', 'BOOKING_RESCHEDULED', 'PAYMENT_FAILED', 'REFUND_ISSUED', 'HOLD_EXPIRED');

-- CreateEnum
CREATE TYPE "NotificationChannel" AS ENUM ('IN_APP', 'EMAIL');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('DELIVERED', 'PENDING', 'SENT', 'FAILED');

-- CreateEnum
CREATE TYPE "DeliveryOutcome" AS ENUM ('SENT', 'FAILED');

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "booking_id" UUID NOT NULL,
    "type" "NotificationType" NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "status" "NotificationStatus" NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "body" TEXT NOT NULL,
    "html" TEXT,
    "recipient" VARCHAR(320),
    "read_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),
    "last_error" VARCHAR(1000),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_attempts" (
    "id" UUID NOT NULL,
    "notification_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "outcome" "DeliveryOutcome" NOT NULL,
    "error" VARCHAR(1000),
    "smtp_response" VARCHAR(1000),
    "message_id" VARCHAR(255),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_preferences" (
    "user_id" UUID NOT NULL,
    "email_enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "notification_preferences_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable (the kit's recordEventOnce writes it: libs/service-kit/src/events/processed-events.ts)
CREATE TABLE "processed_events" (
    "event_id" UUID NOT NULL,
    "type" VARCHAR(64) NOT NULL,
    "source" VARCHAR(64) NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("event_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "notifications_event_id_channel_key" ON "notifications"("event_id", "channel");

-- CreateIndex
CREATE INDEX "notifications_user_id_created_at_id_idx" ON "notifications"("user_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "notifications_booking_id_idx" ON "notifications"("booking_id");

-- CreateIndex
CREATE INDEX "notification_attempts_notification_id_attempt_idx" ON "notification_attempts"("notification_id", "attempt");

-- AddForeignKey
ALTER TABLE "notification_attempts" ADD CONSTRAINT "notification_attempts_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "notifications"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The mail dispatcher looks for due emails, and read-all for a user's unread notifications,
-- without scanning everything delivered, sent or read
CREATE INDEX "notifications_pending_next_attempt_at_idx" ON "notifications"("next_attempt_at") WHERE "status" = 'PENDING';
CREATE INDEX "notifications_unread_user_id_idx" ON "notifications"("user_id") WHERE "read_at" IS NULL;

-- Not expressible in schema.prisma: which status belongs to which channel, and the columns each
-- status needs. IN_APP rows are DELIVERED and carry no email fields; EMAIL rows have a recipient
-- and an HTML part; a PENDING email has a next attempt time; SENT and sent_at go together.
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_status_of_channel" CHECK (
    ("channel" = 'IN_APP' AND "status" = 'DELIVERED') OR
    ("channel" = 'EMAIL' AND "status" IN ('PENDING', 'SENT', 'FAILED')));
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_email_fields" CHECK (
    ("channel" = 'EMAIL') = ("recipient" IS NOT NULL AND "html" IS NOT NULL));
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_pending_is_scheduled" CHECK (
    "status" <> 'PENDING' OR "next_attempt_at" IS NOT NULL);
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_sent_at_when_sent" CHECK (
    ("status" = 'SENT') = ("sent_at" IS NOT NULL));
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_attempts_non_negative" CHECK ("attempts" >= 0);
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_title_not_blank" CHECK (length(btrim("title")) > 0);
ALTER TABLE "notification_attempts" ADD CONSTRAINT "notification_attempts_attempt_positive" CHECK ("attempt" >= 1);
ALTER TABLE "notification_attempts" ADD CONSTRAINT "notification_attempts_failure_has_error" CHECK (
    "outcome" = 'SENT' OR "error" IS NOT NULL);
