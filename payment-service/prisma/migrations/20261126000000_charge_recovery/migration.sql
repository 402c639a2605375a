-- Charge recovery: a charge whose process died after the provider charged but before the payment
-- was recorded is finished by the recovery job, which needs the request itself (only its hash was
-- kept), and booking-service asks how many charges of a booking are still in flight.

-- AlterTable
ALTER TABLE "idempotency_records"
    ADD COLUMN "request" JSONB,
    ADD COLUMN "booking_id" UUID;

-- The recovery job finds claims whose lock ran out, and the in-flight count finds a booking's
-- claims, without scanning the completed records
CREATE INDEX "idempotency_records_in_progress_locked_until_idx" ON "idempotency_records"("locked_until") WHERE "status" = 'IN_PROGRESS';
CREATE INDEX "idempotency_records_in_progress_booking_id_idx" ON "idempotency_records"("booking_id") WHERE "status" = 'IN_PROGRESS';
