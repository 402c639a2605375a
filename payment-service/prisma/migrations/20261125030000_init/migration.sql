-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED', 'REFUNDED', 'PARTIALLY_REFUNDED');

-- CreateEnum
CREATE TYPE "RefundStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "IdempotencyStatus" AS ENUM ('IN_PROGRESS', 'COMPLETED');

-- CreateEnum
CREATE TYPE "SimulatedChargeOutcome" AS ENUM ('SUCCEEDED', 'DECLINED');

-- CreateTable
CREATE TABLE "payments" (
    "id" UUID NOT NULL,
    "booking_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" "PaymentStatus" NOT NULL,
    "refunded_cents" INTEGER NOT NULL DEFAULT 0,
    "provider" VARCHAR(32) NOT NULL,
    "provider_ref" VARCHAR(64),
    "provider_idempotency_key" VARCHAR(128) NOT NULL,
    "payment_method" VARCHAR(64) NOT NULL,
    "description" VARCHAR(200),
    "failure_code" VARCHAR(64),
    "failure_message" VARCHAR(500),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "payments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refunds" (
    "id" UUID NOT NULL,
    "payment_id" UUID NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "status" "RefundStatus" NOT NULL,
    "reason" VARCHAR(200) NOT NULL,
    "provider_ref" VARCHAR(64),
    "idempotency_record_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "refunds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_records" (
    "id" UUID NOT NULL,
    "scope" VARCHAR(200) NOT NULL,
    "key" VARCHAR(255) NOT NULL,
    "request_hash" CHAR(64) NOT NULL,
    "status" "IdempotencyStatus" NOT NULL,
    "lock_token" UUID NOT NULL,
    "locked_until" TIMESTAMPTZ(3) NOT NULL,
    "response_status" INTEGER,
    "response_body" JSONB,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "simulated_provider_charges" (
    "id" UUID NOT NULL,
    "idempotency_key" VARCHAR(128) NOT NULL,
    "provider_ref" VARCHAR(64) NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "payment_method" VARCHAR(64) NOT NULL,
    "outcome" "SimulatedChargeOutcome" NOT NULL,
    "decline_code" VARCHAR(64),
    "decline_message" VARCHAR(500),
    "refunded_cents" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "simulated_provider_charges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "simulated_provider_refunds" (
    "id" UUID NOT NULL,
    "idempotency_key" VARCHAR(128) NOT NULL,
    "provider_ref" VARCHAR(64) NOT NULL,
    "charge_ref" VARCHAR(64) NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "simulated_provider_refunds_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "payments_provider_idempotency_key_key" ON "payments"("provider_idempotency_key");

-- CreateIndex
CREATE INDEX "payments_booking_id_created_at_idx" ON "payments"("booking_id", "created_at");

-- CreateIndex
CREATE INDEX "payments_user_id_created_at_id_idx" ON "payments"("user_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "payments_created_at_id_idx" ON "payments"("created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "payments_provider_provider_ref_key" ON "payments"("provider", "provider_ref");

-- CreateIndex
CREATE INDEX "refunds_payment_id_idx" ON "refunds"("payment_id");

-- CreateIndex
CREATE INDEX "refunds_idempotency_record_id_idx" ON "refunds"("idempotency_record_id");

-- CreateIndex
CREATE INDEX "idempotency_records_expires_at_idx" ON "idempotency_records"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "idempotency_records_scope_key_key" ON "idempotency_records"("scope", "key");

-- CreateIndex
CREATE UNIQUE INDEX "simulated_provider_charges_idempotency_key_key" ON "simulated_provider_charges"("idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "simulated_provider_charges_provider_ref_key" ON "simulated_provider_charges"("provider_ref");

-- CreateIndex
CREATE UNIQUE INDEX "simulated_provider_refunds_idempotency_key_key" ON "simulated_provider_refunds"("idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "simulated_provider_refunds_provider_ref_key" ON "simulated_provider_refunds"("provider_ref");

-- CreateIndex
CREATE INDEX "simulated_provider_refunds_charge_ref_idx" ON "simulated_provider_refunds"("charge_ref");

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Not expressible in schema.prisma: amounts are positive, refunds never exceed the payment,
-- currencies are three capital letters.
ALTER TABLE "payments" ADD CONSTRAINT "payments_amount_positive" CHECK ("amount_cents" > 0);
ALTER TABLE "payments" ADD CONSTRAINT "payments_refunded_within_amount" CHECK ("refunded_cents" BETWEEN 0 AND "amount_cents");
ALTER TABLE "payments" ADD CONSTRAINT "payments_currency_code" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_amount_positive" CHECK ("amount_cents" > 0);
ALTER TABLE "simulated_provider_charges" ADD CONSTRAINT "simulated_provider_charges_amount_positive" CHECK ("amount_cents" > 0);
ALTER TABLE "simulated_provider_charges" ADD CONSTRAINT "simulated_provider_charges_refunded_within_amount" CHECK ("refunded_cents" BETWEEN 0 AND "amount_cents");
ALTER TABLE "simulated_provider_refunds" ADD CONSTRAINT "simulated_provider_refunds_amount_positive" CHECK ("amount_cents" > 0);
