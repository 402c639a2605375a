-- CreateTable
CREATE TABLE "settings_versions" (
    "version" INTEGER NOT NULL,
    "values" JSONB NOT NULL,
    "changed_by" UUID,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "request_id" VARCHAR(128),

    CONSTRAINT "settings_versions_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" UUID NOT NULL,
    "source" VARCHAR(64) NOT NULL,
    "source_entry_id" VARCHAR(128) NOT NULL,
    "sequence" BIGINT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "actor_id" UUID,
    "action" VARCHAR(100) NOT NULL,
    "target_type" VARCHAR(64) NOT NULL,
    "target_id" VARCHAR(200) NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "request_id" VARCHAR(128),
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_cursors" (
    "source" VARCHAR(64) NOT NULL,
    "last_sequence" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_cursors_pkey" PRIMARY KEY ("source")
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_log_source_source_entry_id_key" ON "audit_log"("source", "source_entry_id");

-- CreateIndex
CREATE INDEX "audit_log_occurred_at_id_idx" ON "audit_log"("occurred_at", "id");

-- CreateIndex
CREATE INDEX "audit_log_actor_id_occurred_at_idx" ON "audit_log"("actor_id", "occurred_at");

-- CreateIndex
CREATE INDEX "audit_log_action_occurred_at_idx" ON "audit_log"("action", "occurred_at");

-- CreateIndex
CREATE INDEX "audit_log_target_id_occurred_at_idx" ON "audit_log"("target_id", "occurred_at");

-- Not expressible in schema.prisma: versions count from 1, each holds both settings as integers in
-- range (the CASE guards the casts: PostgreSQL does not promise to evaluate AND left to right).
ALTER TABLE "settings_versions" ADD CONSTRAINT "settings_versions_version_positive" CHECK ("version" >= 1);
ALTER TABLE "settings_versions" ADD CONSTRAINT "settings_versions_values_in_range" CHECK (
    jsonb_typeof("values") = 'object'
    AND CASE
        WHEN jsonb_typeof("values" -> 'cancellationFullRefundHours') = 'number'
             AND ("values" ->> 'cancellationFullRefundHours') ~ '^[0-9]{1,9}$'
        THEN ("values" ->> 'cancellationFullRefundHours')::int BETWEEN 0 AND 8760
        ELSE false
    END
    AND CASE
        WHEN jsonb_typeof("values" -> 'bookingHoldMinutes') = 'number'
             AND ("values" ->> 'bookingHoldMinutes') ~ '^[0-9]{1,9}$'
        THEN ("values" ->> 'bookingHoldMinutes')::int BETWEEN 1 AND 1440
        ELSE false
    END
);
ALTER TABLE "audit_cursors" ADD CONSTRAINT "audit_cursors_last_sequence_not_negative" CHECK ("last_sequence" >= 0);

-- The audit log and the settings history are append-only, whoever connects: no endpoint changes
-- them, and the database refuses it too.
CREATE FUNCTION "refuse_append_only_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log"
    FOR EACH ROW EXECUTE FUNCTION "refuse_append_only_change"();
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log"
    FOR EACH STATEMENT EXECUTE FUNCTION "refuse_append_only_change"();
CREATE TRIGGER "settings_versions_append_only" BEFORE UPDATE OR DELETE ON "settings_versions"
    FOR EACH ROW EXECUTE FUNCTION "refuse_append_only_change"();
CREATE TRIGGER "settings_versions_no_truncate" BEFORE TRUNCATE ON "settings_versions"
    FOR EACH STATEMENT EXECUTE FUNCTION "refuse_append_only_change"();

-- The settings in force until an admin changes them: what booking-service used before they moved here.
INSERT INTO "settings_versions" ("version", "values", "changed_by", "changed_at")
VALUES (1, '{"cancellationFullRefundHours": 24, "bookingHoldMinutes": 15}', NULL, CURRENT_TIMESTAMP);
