-- Every committed change to an execution, its stages, its tasks' statuses or its audit log
-- notifies channel "gantry_execution" with the execution's id, whichever process made it (a worker
-- on either queue backend, an API command). API processes LISTEN and push the change to browsers
-- (GET /api/v1/executions/:id/stream). PostgreSQL sends a transaction's notifications at commit and
-- folds identical ones, so one engine step is one notification. A task's polls alone change nothing
-- a viewer sees, so only a task's status changes notify.
CREATE FUNCTION "gantry_notify_execution"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'executions' THEN
    PERFORM pg_notify('gantry_execution', NEW."id"::text);
  ELSIF NEW."execution_id" IS NOT NULL THEN
    PERFORM pg_notify('gantry_execution', NEW."execution_id"::text);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "executions_notify" AFTER INSERT OR UPDATE ON "executions"
  FOR EACH ROW EXECUTE FUNCTION "gantry_notify_execution"();
CREATE TRIGGER "stages_notify" AFTER INSERT OR UPDATE ON "stages"
  FOR EACH ROW EXECUTE FUNCTION "gantry_notify_execution"();
CREATE TRIGGER "tasks_notify_insert" AFTER INSERT ON "tasks"
  FOR EACH ROW EXECUTE FUNCTION "gantry_notify_execution"();
CREATE TRIGGER "tasks_notify_status" AFTER UPDATE ON "tasks"
  FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status") EXECUTE FUNCTION "gantry_notify_execution"();
CREATE TRIGGER "audit_events_notify" AFTER INSERT ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "gantry_notify_execution"();
