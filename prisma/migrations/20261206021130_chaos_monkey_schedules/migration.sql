-- Chaos Monkey schedules (README "Chaos Monkey"). An application opts in with a configuration;
-- an admin's kill switch stops every kill at once.
CREATE TABLE "chaos_monkey_configs" (
    "application" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "updated_by" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chaos_monkey_configs_pkey" PRIMARY KEY ("application")
);

-- One row, id 1: whether the kill switch is engaged (no kill happens while it is).
CREATE TABLE "chaos_monkey_switch" (
    "id" INTEGER NOT NULL,
    "engaged" BOOLEAN NOT NULL,
    "updated_by" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chaos_monkey_switch_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "chaos_monkey_switch_one_row" CHECK ("id" = 1)
);

-- One decision per group and day, whatever the number of workers: the primary key is the
-- uniqueness that makes a second worker's insert a no-op. A decision to kill is SCHEDULED at
-- kill_at; the victim is chosen and stored before the kill (so a retry kills the same instance),
-- then KILLED (audited and notified in the same transaction), SKIPPED or FAILED.
CREATE TABLE "chaos_monkey_decisions" (
    "group_key" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "application" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "members" JSONB NOT NULL DEFAULT '[]',
    "kill_at" TIMESTAMPTZ(3),
    "window_end" TIMESTAMPTZ(3),
    "victim" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "decided_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "killed_at" TIMESTAMPTZ(3),

    CONSTRAINT "chaos_monkey_decisions_pkey" PRIMARY KEY ("group_key", "day")
);

CREATE INDEX "chaos_monkey_decisions_application_idx" ON "chaos_monkey_decisions"("application", "day");
CREATE INDEX "chaos_monkey_decisions_due_idx" ON "chaos_monkey_decisions"("kill_at") WHERE "status" = 'SCHEDULED';
