-- The change notifications of 20261205194500_execution_changes go out only for executions someone
-- streams. A transaction that calls pg_notify takes PostgreSQL's global notify lock at commit and
-- holds it until its commit record is flushed, so notifying on every engine transition made the
-- engine's commits wait for each other, one fsync at a time. An API process streaming an execution
-- registers it here (ExecutionChanges: a lease it renews, deleted when the stream ends); the
-- triggers notify for registered executions only.
CREATE TABLE "execution_watchers" (
    "execution_id" UUID NOT NULL,
    "watcher" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "execution_watchers_pkey" PRIMARY KEY ("execution_id", "watcher")
);

CREATE INDEX "execution_watchers_expires_at_idx" ON "execution_watchers"("expires_at");

CREATE OR REPLACE FUNCTION "gantry_notify_execution"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  execution uuid;
BEGIN
  IF TG_TABLE_NAME = 'executions' THEN
    execution := NEW."id";
  ELSE
    execution := NEW."execution_id";
  END IF;
  IF execution IS NOT NULL AND EXISTS (SELECT 1 FROM "execution_watchers" w WHERE w."execution_id" = execution) THEN
    PERFORM pg_notify('gantry_execution', execution::text);
  END IF;
  RETURN NULL;
END;
$$;

-- A subscriber registers, then locks the execution's row once (FOR UPDATE): a writer holding any
-- lock on it commits before the subscriber reads, and one locking it later sees the registration.
-- Writers of stages and tasks lock the execution first, and an update of the execution locks its
-- row; audit events are also written by processes that hold no lock on it (a webhook's duplicate,
-- a failed notification), so their trigger takes the weakest lock before it looks.
CREATE FUNCTION "gantry_notify_execution_audit"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."execution_id" IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM 1 FROM "executions" e WHERE e."id" = NEW."execution_id" FOR KEY SHARE;
  IF EXISTS (SELECT 1 FROM "execution_watchers" w WHERE w."execution_id" = NEW."execution_id") THEN
    PERFORM pg_notify('gantry_execution', NEW."execution_id"::text);
  END IF;
  RETURN NULL;
END;
$$;

DROP TRIGGER "audit_events_notify" ON "audit_events";
CREATE TRIGGER "audit_events_notify" AFTER INSERT ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "gantry_notify_execution_audit"();
