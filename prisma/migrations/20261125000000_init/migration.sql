-- CreateTable
CREATE TABLE "pipelines" (
    "id" UUID NOT NULL,
    "application" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pipelines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pipeline_versions" (
    "pipeline_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "definition" JSONB NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pipeline_versions_pkey" PRIMARY KEY ("pipeline_id","version")
);

-- CreateTable
CREATE TABLE "executions" (
    "id" UUID NOT NULL,
    "pipeline_id" UUID NOT NULL,
    "pipeline_version" INTEGER NOT NULL,
    "application" TEXT NOT NULL,
    "pipeline_name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "trigger" JSONB NOT NULL,
    "parameters" JSONB NOT NULL,
    "limit_concurrent" BOOLEAN NOT NULL DEFAULT false,
    "keep_waiting_pipelines" BOOLEAN NOT NULL DEFAULT false,
    "idempotency_key" TEXT,
    "parent_execution_id" UUID,
    "canceled" BOOLEAN NOT NULL DEFAULT false,
    "canceled_by" TEXT,
    "cancellation_reason" TEXT,
    "paused_by" TEXT,
    "pause_time" TIMESTAMPTZ(3),
    "build_time" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "start_time" TIMESTAMPTZ(3),
    "end_time" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "executions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stages" (
    "id" UUID NOT NULL,
    "execution_id" UUID NOT NULL,
    "ref_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "requisite_stage_ref_ids" TEXT[],
    "definition" JSONB NOT NULL,
    "context" JSONB NOT NULL DEFAULT '{}',
    "outputs" JSONB NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "error" JSONB,
    "start_time" TIMESTAMPTZ(3),
    "end_time" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "stages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tasks" (
    "id" UUID NOT NULL,
    "stage_id" UUID NOT NULL,
    "execution_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "index" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "retries" INTEGER NOT NULL DEFAULT 0,
    "polls" INTEGER NOT NULL DEFAULT 0,
    "state" JSONB NOT NULL DEFAULT '{}',
    "error" JSONB,
    "start_time" TIMESTAMPTZ(3),
    "end_time" TIMESTAMPTZ(3),

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "execution_id" UUID,
    "pipeline_id" UUID,
    "stage_id" UUID,
    "type" TEXT NOT NULL,
    "actor" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "pipelines_application_name_key" ON "pipelines"("application", "name");

-- CreateIndex
CREATE UNIQUE INDEX "executions_idempotency_key_key" ON "executions"("idempotency_key");

-- CreateIndex
CREATE INDEX "executions_pipeline_id_status_idx" ON "executions"("pipeline_id", "status");

-- CreateIndex
CREATE INDEX "executions_application_build_time_idx" ON "executions"("application", "build_time");

-- CreateIndex
CREATE INDEX "executions_status_build_time_idx" ON "executions"("status", "build_time");

-- CreateIndex
CREATE UNIQUE INDEX "stages_execution_id_ref_id_key" ON "stages"("execution_id", "ref_id");

-- CreateIndex
CREATE UNIQUE INDEX "tasks_stage_id_attempt_index_key" ON "tasks"("stage_id", "attempt", "index");

-- CreateIndex
CREATE INDEX "tasks_execution_id_idx" ON "tasks"("execution_id");

-- CreateIndex
CREATE INDEX "audit_events_execution_id_id_idx" ON "audit_events"("execution_id", "id");

-- CreateIndex
CREATE INDEX "audit_events_pipeline_id_id_idx" ON "audit_events"("pipeline_id", "id");

-- AddForeignKey
ALTER TABLE "pipeline_versions" ADD CONSTRAINT "pipeline_versions_pipeline_id_fkey" FOREIGN KEY ("pipeline_id") REFERENCES "pipelines"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "executions" ADD CONSTRAINT "executions_pipeline_id_fkey" FOREIGN KEY ("pipeline_id") REFERENCES "pipelines"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stages" ADD CONSTRAINT "stages_execution_id_fkey" FOREIGN KEY ("execution_id") REFERENCES "executions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_stage_id_fkey" FOREIGN KEY ("stage_id") REFERENCES "stages"("id") ON DELETE CASCADE ON UPDATE CASCADE;
