-- When each registry was last polled, by any process: the one that moves it on polls, the others wait
-- for the next interval, so N workers do not poll a registry N times (registries limit their rate).
CREATE TABLE "docker_registry_polls" (
    "registry" TEXT NOT NULL,
    "polled_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "docker_registry_polls_pkey" PRIMARY KEY ("registry")
);
