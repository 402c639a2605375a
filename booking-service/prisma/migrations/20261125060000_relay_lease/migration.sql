-- The relay's lease gets its own column, outside every index: claiming a delivery no longer moves
-- next_attempt_at (an indexed column), so the claim is a HOT update that writes no index entry,
-- and pages keep room for it (fillfactor 50: at 70 only half the claims of fresh rows were HOT).
-- Each delivery is updated twice (claimed, settled); under booking load these updates were most
-- of the index writes in this database.
ALTER TABLE "outbox_deliveries" ADD COLUMN "leased_until" TIMESTAMPTZ(3);
ALTER TABLE "outbox_deliveries" SET (fillfactor = 50);

-- The admin's view of DEAD deliveries. Every PENDING and DELIVERED row also sat in
-- (status, position), an entry written on insert and again on every status change; a partial
-- index holds only the few DEAD rows.
DROP INDEX "outbox_deliveries_status_position_idx";
CREATE INDEX "outbox_deliveries_dead_position_idx" ON "outbox_deliveries"("position") WHERE "status" = 'DEAD';
