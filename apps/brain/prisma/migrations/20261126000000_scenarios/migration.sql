-- Scenarios, their applications and nodeapps, versions, and apply runs
CREATE TYPE "RunState" AS ENUM ('running', 'success', 'failed');

CREATE TABLE "scenario" (
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "workgroup" TEXT NOT NULL DEFAULT '',
    "dirty" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "scenario_pkey" PRIMARY KEY ("name")
);

CREATE TABLE "scenario_app" (
    "scenario" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,

    CONSTRAINT "scenario_app_pkey" PRIMARY KEY ("scenario","name")
);

CREATE TABLE "node_app" (
    "scenario" TEXT NOT NULL,
    "app" TEXT NOT NULL,
    "node" TEXT NOT NULL,
    "version" TEXT NOT NULL DEFAULT '',
    "reported_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "node_app_pkey" PRIMARY KEY ("scenario","app","node")
);
CREATE INDEX "node_app_node_idx" ON "node_app"("node");

CREATE TABLE "scenario_version" (
    "id" BIGSERIAL NOT NULL,
    "scenario" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "snapshot" JSONB NOT NULL,
    "step_key" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scenario_version_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "scenario_version_step_key_key" ON "scenario_version"("step_key");
CREATE INDEX "scenario_version_scenario_id_idx" ON "scenario_version"("scenario", "id");

CREATE TABLE "scenario_run" (
    "id" TEXT NOT NULL,
    "scenario" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "stop_on_error" BOOLEAN NOT NULL,
    "state" "RunState" NOT NULL DEFAULT 'running',
    "error" TEXT,
    "created_by" TEXT,
    "workgroup" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMP(3),

    CONSTRAINT "scenario_run_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "scenario_run_scenario_created_at_idx" ON "scenario_run"("scenario", "created_at");

CREATE TABLE "scenario_run_step" (
    "run_id" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "stage" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "app" TEXT,
    "target" TEXT,
    "task_id" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "spec" JSONB NOT NULL,
    "detail" TEXT,
    "started_at" TIMESTAMP(3),
    "ended_at" TIMESTAMP(3),

    CONSTRAINT "scenario_run_step_pkey" PRIMARY KEY ("run_id","index")
);

ALTER TABLE "scenario_app" ADD CONSTRAINT "scenario_app_scenario_fkey" FOREIGN KEY ("scenario") REFERENCES "scenario"("name") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "node_app" ADD CONSTRAINT "node_app_scenario_app_fkey" FOREIGN KEY ("scenario", "app") REFERENCES "scenario_app"("scenario", "name") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "scenario_version" ADD CONSTRAINT "scenario_version_scenario_fkey" FOREIGN KEY ("scenario") REFERENCES "scenario"("name") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "scenario_run_step" ADD CONSTRAINT "scenario_run_step_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "scenario_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- One running apply per scenario: two applies racing cannot both start.
CREATE UNIQUE INDEX "scenario_run_one_running" ON "scenario_run"("scenario") WHERE "state" = 'running';
