-- The change triggers skip the rows of the execution an engine step holds locked and has named in
-- the transaction-local setting gantry.locked_execution (selectStagesAndTasks in
-- packages/store/src/executionRows.ts sets it, and notifies once if the execution is watched): a
-- transition's row writes call no plpgsql and probe execution_watchers once instead of per row.
-- Every other writer (API commands, handlers that lock without that read, another execution's rows)
-- notifies as before (20261206084848_execution_watchers).
DROP TRIGGER "executions_notify" ON "executions";
CREATE TRIGGER "executions_notify" AFTER INSERT OR UPDATE ON "executions"
  FOR EACH ROW WHEN (NEW."id"::text IS DISTINCT FROM current_setting('gantry.locked_execution', true))
  EXECUTE FUNCTION "gantry_notify_execution"();
DROP TRIGGER "stages_notify" ON "stages";
CREATE TRIGGER "stages_notify" AFTER INSERT OR UPDATE ON "stages"
  FOR EACH ROW WHEN (NEW."execution_id"::text IS DISTINCT FROM current_setting('gantry.locked_execution', true))
  EXECUTE FUNCTION "gantry_notify_execution"();
DROP TRIGGER "tasks_notify_insert" ON "tasks";
CREATE TRIGGER "tasks_notify_insert" AFTER INSERT ON "tasks"
  FOR EACH ROW WHEN (NEW."execution_id"::text IS DISTINCT FROM current_setting('gantry.locked_execution', true))
  EXECUTE FUNCTION "gantry_notify_execution"();
DROP TRIGGER "tasks_notify_status" ON "tasks";
CREATE TRIGGER "tasks_notify_status" AFTER UPDATE ON "tasks"
  FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status"
                     AND NEW."execution_id"::text IS DISTINCT FROM current_setting('gantry.locked_execution', true))
  EXECUTE FUNCTION "gantry_notify_execution"();
DROP TRIGGER "audit_events_notify" ON "audit_events";
CREATE TRIGGER "audit_events_notify" AFTER INSERT ON "audit_events"
  FOR EACH ROW WHEN (NEW."execution_id" IS NOT NULL
                     AND NEW."execution_id"::text IS DISTINCT FROM current_setting('gantry.locked_execution', true))
  EXECUTE FUNCTION "gantry_notify_execution_audit"();
