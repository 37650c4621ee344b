-- Content-addressed blobs of file transfers
CREATE TABLE "file_blob" (
    "sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "file_blob_pkey" PRIMARY KEY ("sha256")
);
CREATE INDEX "file_blob_last_used_at_idx" ON "file_blob"("last_used_at");
