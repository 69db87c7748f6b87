-- The W3C trace context (traceparent, tracestate) of the trace an execution belongs to, recorded at
-- its launch. A message re-created without one (the reconciler re-driving quiet work) is sent with
-- it, so the execution stays one trace. NULL when the launching process did not trace.
ALTER TABLE "executions" ADD COLUMN "trace" JSONB;
