-- SSH login info per node and the brain port mapped to its sshd (Octopoda's `ssh set`)
CREATE TABLE "ssh_login" (
    "node" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "secret" TEXT,
    "port" INTEGER,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ssh_login_pkey" PRIMARY KEY ("node")
);
CREATE UNIQUE INDEX "ssh_login_port_key" ON "ssh_login"("port");
