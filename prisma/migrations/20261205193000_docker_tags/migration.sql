-- Registries polled for docker triggers: a repository is primed by its first poll (the tags it
-- already has start nothing); every tag seen is a row, and a new one fires its triggers once.
CREATE TABLE "docker_polled_repositories" (
    "registry" TEXT NOT NULL,
    "repository" TEXT NOT NULL,
    "primed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "docker_polled_repositories_pkey" PRIMARY KEY ("registry","repository")
);

CREATE TABLE "docker_tags" (
    "registry" TEXT NOT NULL,
    "repository" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- Null until the tag's triggers have fired (a poller that died meanwhile leaves it for the next poll).
    "triggered_at" TIMESTAMPTZ(3),

    CONSTRAINT "docker_tags_pkey" PRIMARY KEY ("registry","repository","tag")
);

CREATE INDEX "docker_tags_pending_idx" ON "docker_tags"("registry", "repository") WHERE "triggered_at" IS NULL;
