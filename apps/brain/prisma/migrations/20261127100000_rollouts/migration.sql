-- Rollouts: a release version brought to many nodes by their pakma, wave after wave, stopping at the first failure
CREATE TABLE "rollout" (
    "id" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'running',
    "waves" JSONB NOT NULL,
    "options" JSONB NOT NULL,
    "error" TEXT,
    "created_by" TEXT NOT NULL,
    "scope_path" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMP(3),

    CONSTRAINT "rollout_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "rollout_created_at_idx" ON "rollout"("created_at");
