-- Tasks a stage runs because one of its own tasks failed (a deploy's rollback.onFailure).
ALTER TABLE "tasks" ADD COLUMN "on_failure" BOOLEAN NOT NULL DEFAULT false;
