-- CreateEnum
CREATE TYPE "NodeState" AS ENUM ('online', 'unstable', 'offline');

-- CreateTable
CREATE TABLE "node" (
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL DEFAULT '',
    "addr" TEXT NOT NULL DEFAULT '',
    "state" "NodeState" NOT NULL DEFAULT 'offline',
    "connected" BOOLEAN NOT NULL DEFAULT false,
    "holder" TEXT,
    "delay_ms" DOUBLE PRECISION,
    "offset_ms" DOUBLE PRECISION,
    "offset_error_ms" DOUBLE PRECISION,
    "online_at" TIMESTAMP(3),
    "offline_at" TIMESTAMP(3),
    "last_active_at" TIMESTAMP(3),
    "facts" JSONB,
    "last_status" JSONB,
    "last_status_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "node_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "workgroup" (
    "path" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "workgroup_pkey" PRIMARY KEY ("path")
);

-- CreateIndex
CREATE INDEX "node_state_idx" ON "node"("state");
