-- Workgroup members below the root (the root's members are every node)
CREATE TABLE "workgroup_member" (
    "path" TEXT NOT NULL,
    "node" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "workgroup_member_pkey" PRIMARY KEY ("path", "node")
);
CREATE INDEX "workgroup_member_node_idx" ON "workgroup_member"("node");
ALTER TABLE "workgroup_member" ADD CONSTRAINT "workgroup_member_path_fkey" FOREIGN KEY ("path") REFERENCES "workgroup"("path") ON DELETE CASCADE ON UPDATE CASCADE;

-- Enrolment
CREATE TABLE "join_token" (
    "id" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "node_name" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "used_at" TIMESTAMP(3),
    "used_by" TEXT,

    CONSTRAINT "join_token_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "join_token_token_hash_key" ON "join_token"("token_hash");

CREATE TABLE "node_certificate" (
    "serial" TEXT NOT NULL,
    "node" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "issued_at" TIMESTAMP(3) NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "node_certificate_pkey" PRIMARY KEY ("serial")
);
CREATE INDEX "node_certificate_node_idx" ON "node_certificate"("node");

CREATE TABLE "node_revocation" (
    "node" TEXT NOT NULL,
    "revoked_at" TIMESTAMP(3) NOT NULL,
    "revoked_by" TEXT NOT NULL,

    CONSTRAINT "node_revocation_pkey" PRIMARY KEY ("node")
);

-- API tokens
CREATE TABLE "api_token" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "revoked_at" TIMESTAMP(3),
    "last_used_at" TIMESTAMP(3),

    CONSTRAINT "api_token_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "api_token_token_hash_key" ON "api_token"("token_hash");
CREATE INDEX "api_token_path_idx" ON "api_token"("path");

-- Audit trail
CREATE TABLE "audit_record" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "correlation_id" TEXT NOT NULL,
    "face" TEXT NOT NULL,
    "actor_kind" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "workgroup" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "route" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targets" TEXT[],
    "status" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "detail" JSONB,

    CONSTRAINT "audit_record_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_record_at_idx" ON "audit_record"("at");
CREATE INDEX "audit_record_actor_idx" ON "audit_record"("actor");
