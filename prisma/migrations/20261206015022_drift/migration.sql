-- Drift (README "Drift"). What Gantry deployed to Kubernetes, as it applied it: the desired state of
-- each object until a later stage of Gantry changes or deletes it. One row per object (account,
-- namespace, kind, name); '' is the namespace of a cluster-scoped object.
CREATE TABLE "deployed_manifests" (
    "account" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "api_version" TEXT NOT NULL,
    "application" TEXT NOT NULL,
    "manifest" JSONB NOT NULL,
    "execution_id" UUID,
    "stage_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deployed_manifests_pkey" PRIMARY KEY ("account", "namespace", "kind", "name")
);

-- The last observation of each watched object (a deployed manifest, a drift watch's manifest, a
-- cloud server group): its state, the fields that differ and since when the state holds. A check
-- writes an observation only when it is newer than the recorded one (checked_at), so concurrent
-- checks of several workers cannot turn a state back.
CREATE TABLE "drift_resources" (
    "account" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "api_version" TEXT NOT NULL,
    "application" TEXT,
    "watch" TEXT,
    "state" TEXT NOT NULL,
    "fields" JSONB NOT NULL DEFAULT '[]',
    "since" TIMESTAMPTZ(3) NOT NULL,
    "checked_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "drift_resources_pkey" PRIMARY KEY ("account", "namespace", "kind", "name")
);

CREATE INDEX "drift_resources_application_idx" ON "drift_resources"("application");
