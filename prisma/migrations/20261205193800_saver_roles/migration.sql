-- AlterTable: the roles of whoever saved a version, which its automatic triggers without runAsUser run with
ALTER TABLE "pipeline_versions" ADD COLUMN "created_by_roles" TEXT[];
