-- Admin actions done in this service, written in the transaction that does them
-- (libs/service-kit recordAdminAction); admin-service collects them through
-- GET /internal/audit-entries into the platform's audit log. Nothing updates or deletes them.
CREATE TABLE "audit_entries" (
    "id" UUID NOT NULL,
    "sequence" BIGSERIAL NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID,
    "action" VARCHAR(64) NOT NULL,
    "target_type" VARCHAR(32) NOT NULL,
    "target_id" VARCHAR(64) NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "request_id" VARCHAR(128),

    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "audit_entries_sequence_key" ON "audit_entries"("sequence");

CREATE FUNCTION "audit_entries_append_only"() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_entries is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "audit_entries_append_only" BEFORE UPDATE OR DELETE ON "audit_entries"
    FOR EACH ROW EXECUTE FUNCTION "audit_entries_append_only"();
