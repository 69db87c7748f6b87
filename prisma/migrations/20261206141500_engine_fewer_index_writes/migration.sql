-- A transition writes three audit events, none of which names a pipeline (only an execution's and a
-- pipeline's own events do): a btree indexes NULLs too, so each paid an entry in the pipeline index
-- that no lookup by pipeline can use. The index keeps the rows that name a pipeline (a partial index,
-- which schema.prisma cannot express).
DROP INDEX "audit_events_pipeline_id_id_idx";
CREATE INDEX "audit_events_pipeline_id_id_idx" ON "audit_events"("pipeline_id", "id") WHERE "pipeline_id" IS NOT NULL;

-- A stage row is updated twice (started, ended) after its execution inserted it with its siblings:
-- with full pages the first update often found no room beside the row and wrote a new entry in
-- both indexes (not HOT). Room left on each page keeps those updates on the page, out of the indexes.
ALTER TABLE "stages" SET (fillfactor = 70);
