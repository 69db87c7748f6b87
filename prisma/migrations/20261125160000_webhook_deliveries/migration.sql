-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "source" TEXT NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "execution_ids" UUID[],
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("source","delivery_id")
);

-- CreateIndex
CREATE INDEX "webhook_deliveries_received_at_idx" ON "webhook_deliveries"("received_at");
