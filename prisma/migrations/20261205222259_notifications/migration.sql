-- Notifications (Slack, email, webhooks, Teams, Google Chat): one row per message to send, written
-- in the transaction of the state change it announces, keyed by what makes it one message (the
-- execution, stage attempt, event and target), so a redelivered engine message or a repeated
-- command adds nothing. Workers send PENDING rows whose time has come, holding the row's lock
-- while they send, and retry with backoff; FAILED rows stay for the execution's history.
CREATE TABLE "notification_deliveries" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "execution_id" UUID,
    "stage_id" UUID,
    "event" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "message" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_deliveries_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "notification_deliveries_key_key" ON "notification_deliveries"("key");
CREATE INDEX "notification_deliveries_due_idx" ON "notification_deliveries"("next_attempt_at") WHERE "status" = 'PENDING';
CREATE INDEX "notification_deliveries_execution_id_idx" ON "notification_deliveries"("execution_id");

-- An application's default notifications in front50's shape ({slack: [...], email: [...]}).
CREATE TABLE "application_notifications" (
    "application" TEXT NOT NULL,
    "notifications" JSONB NOT NULL,
    "updated_by" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "application_notifications_pkey" PRIMARY KEY ("application")
);
