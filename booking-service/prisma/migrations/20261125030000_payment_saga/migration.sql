-- The payment saga: a booking is charged after it holds its slot.
-- New states (not in the exclusion constraint's predicate, so they free the slot).
ALTER TYPE "BookingStatus" ADD VALUE 'PAYMENT_FAILED';
ALTER TYPE "BookingStatus" ADD VALUE 'EXPIRED';

-- AlterTable
ALTER TABLE "bookings"
    ADD COLUMN "payment_method" VARCHAR(64) NOT NULL DEFAULT 'pm_card_visa',
    ADD COLUMN "hold_expires_at" TIMESTAMPTZ(3),
    ADD COLUMN "paid_cents" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "refund_due_cents" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "decline_code" VARCHAR(64),
    ADD COLUMN "payment_unresolved" BOOLEAN NOT NULL DEFAULT false,
    ADD CONSTRAINT "bookings_paid_check" CHECK ("paid_cents" >= 0 AND "refund_due_cents" >= 0);

-- The sweeper finds expired holds and bookings owed a refund without scanning
CREATE INDEX "bookings_hold_expires_at_idx" ON "bookings"("hold_expires_at") WHERE "status" = 'PENDING';
CREATE INDEX "bookings_money_due_idx" ON "bookings"("updated_at") WHERE "refund_due_cents" > 0 OR "payment_unresolved";
