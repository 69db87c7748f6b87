-- Pipelines as code: a pipeline synced from a git repository records where it comes from (the
-- configured repository's name and the file's path; such a pipeline refuses edits through the API),
-- and each of its versions the commit it was read at. One row per synced commit and repository
-- holds that commit's report, so every commit is applied once however many processes sync it.
ALTER TABLE "pipelines" ADD COLUMN "git_repository" TEXT;
ALTER TABLE "pipelines" ADD COLUMN "git_path" TEXT;
ALTER TABLE "pipeline_versions" ADD COLUMN "git_commit" TEXT;

CREATE UNIQUE INDEX "pipelines_git_source_key" ON "pipelines"("git_repository", "git_path");

CREATE TABLE "pipeline_repository_syncs" (
    "repository" TEXT NOT NULL,
    "commit" TEXT NOT NULL,
    "applied" BOOLEAN NOT NULL,
    "report" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pipeline_repository_syncs_pkey" PRIMARY KEY ("repository","commit")
);

CREATE INDEX "pipeline_repository_syncs_repository_created_at_idx" ON "pipeline_repository_syncs"("repository", "created_at");
