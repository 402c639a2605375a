-- The purge of ended logins (StaleAuthRecordsPurge) finds the families whose unspent token expired
-- long ago. A family has one unspent token (rotation spends a token and adds the next), so this
-- index holds one entry per login rather than one per rotation, and the purge never scans the
-- spent tokens, which are most of the table and are kept while their family lives (reuse
-- detection). Spending a token sets used_at, which takes it out of the index; that UPDATE is
-- therefore no longer a HOT update (it was one only when the row's page had room to spare).
CREATE INDEX "refresh_tokens_unspent_expires_at_idx" ON "refresh_tokens"("expires_at") WHERE "used_at" IS NULL;
