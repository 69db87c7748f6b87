-- Canary configs in Kayenta's JSON, stored and versioned like pipelines: a row per config (its
-- latest version, name and applications, for listing and access checks) and an immutable row per
-- save. Kayenta keeps names unique, so no two live configs share one; a deleted config's versions
-- stay (a past canary run can still say what it judged with).
CREATE TABLE "canary_configs" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "applications" TEXT[] NOT NULL,
    "version" INTEGER NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "canary_configs_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "canary_configs_live_name_key" ON "canary_configs"("name") WHERE "deleted_at" IS NULL;
CREATE INDEX "canary_configs_applications_idx" ON "canary_configs" USING GIN ("applications");

CREATE TABLE "canary_config_versions" (
    "config_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "document" JSONB NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "canary_config_versions_pkey" PRIMARY KEY ("config_id","version")
);

ALTER TABLE "canary_config_versions" ADD CONSTRAINT "canary_config_versions_config_id_fkey" FOREIGN KEY ("config_id") REFERENCES "canary_configs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
