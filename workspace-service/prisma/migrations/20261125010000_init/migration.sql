-- CreateEnum
CREATE TYPE "WorkspaceType" AS ENUM ('DESK', 'MEETING_ROOM', 'PRIVATE_OFFICE');

-- CreateTable
CREATE TABLE "workspaces" (
    "id" UUID NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "description" VARCHAR(2000),
    "type" "WorkspaceType" NOT NULL,
    "capacity" INTEGER NOT NULL,
    "hourly_rate_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "opening_hours" JSONB,
    "min_booking_minutes" INTEGER NOT NULL DEFAULT 30,
    "max_booking_minutes" INTEGER NOT NULL DEFAULT 1440,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "workspaces_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "workspaces_created_at_id_idx" ON "workspaces"("created_at", "id");

-- CreateIndex
CREATE INDEX "workspaces_active_created_at_id_idx" ON "workspaces"("active", "created_at", "id");

-- CreateIndex
CREATE INDEX "workspaces_type_active_created_at_id_idx" ON "workspaces"("type", "active", "created_at", "id");

-- CreateIndex
CREATE INDEX "workspaces_active_capacity_idx" ON "workspaces"("active", "capacity");

-- AddCheckConstraint (hand-written: Prisma's schema language cannot express CHECK constraints;
-- the service validates the same rules first and answers 400 naming the field)
ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_capacity_check" CHECK ("capacity" > 0);
ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_hourly_rate_cents_check" CHECK ("hourly_rate_cents" >= 0);
ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_currency_check" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_min_booking_minutes_check" CHECK ("min_booking_minutes" > 0);
ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_max_booking_minutes_check" CHECK ("max_booking_minutes" >= "min_booking_minutes");
ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_opening_hours_check" CHECK ("opening_hours" IS NULL OR jsonb_typeof("opening_hours") = 'array');
ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_version_check" CHECK ("version" >= 1);
