-- CreateEnum
CREATE TYPE "TaskState" AS ENUM ('running', 'done', 'cancelled');

-- CreateEnum
CREATE TYPE "InvocationState" AS ENUM ('pending', 'delayed', 'running', 'success', 'failed', 'timed_out', 'delivery_timed_out', 'cancelled');

-- CreateTable
CREATE TABLE "task" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "command" TEXT NOT NULL,
    "script_name" TEXT,
    "script_content" TEXT,
    "targets" TEXT[],
    "options" JSONB NOT NULL,
    "state" "TaskState" NOT NULL DEFAULT 'running',
    "created_by" TEXT,
    "workgroup" TEXT NOT NULL DEFAULT '',
    "v1_delivered" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "done_at" TIMESTAMP(3),

    CONSTRAINT "task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invocation" (
    "id" TEXT NOT NULL,
    "task_id" TEXT NOT NULL,
    "node" TEXT NOT NULL,
    "state" "InvocationState" NOT NULL DEFAULT 'pending',
    "exit_code" INTEGER,
    "pid" INTEGER,
    "stdout" TEXT NOT NULL DEFAULT '',
    "stderr" TEXT NOT NULL DEFAULT '',
    "output" TEXT NOT NULL DEFAULT '',
    "error" TEXT,
    "deliver_by" TIMESTAMP(3),
    "accepted_at" TIMESTAMP(3),
    "started_at" TIMESTAMP(3),
    "ended_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "invocation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invocation_output" (
    "id" BIGSERIAL NOT NULL,
    "invocation_id" TEXT NOT NULL,
    "stream" TEXT NOT NULL,
    "offset" INTEGER NOT NULL,
    "data" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invocation_output_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "task_created_at_idx" ON "task"("created_at");

-- CreateIndex
CREATE INDEX "invocation_task_id_idx" ON "invocation"("task_id");

-- CreateIndex
CREATE INDEX "invocation_node_state_idx" ON "invocation"("node", "state");

-- CreateIndex
CREATE UNIQUE INDEX "invocation_output_invocation_id_stream_offset_key" ON "invocation_output"("invocation_id", "stream", "offset");

-- AddForeignKey
ALTER TABLE "invocation" ADD CONSTRAINT "invocation_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "task"("id") ON DELETE CASCADE ON UPDATE CASCADE;
