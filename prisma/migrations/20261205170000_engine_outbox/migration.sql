-- The engine's next messages, written in the transaction of the state change that implies them and
-- deleted once the queue has accepted them: losing the queue (or the process) between the two loses nothing.
CREATE TABLE "engine_outbox" (
    "id" UUID NOT NULL,
    "message" JSONB NOT NULL,
    "deliver_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "engine_outbox_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "engine_outbox_created_at_idx" ON "engine_outbox"("created_at");

-- When the task's next step is due; the reconciler re-sends the step of a task overdue with nothing in flight.
ALTER TABLE "tasks" ADD COLUMN "next_step_at" TIMESTAMPTZ(3);
