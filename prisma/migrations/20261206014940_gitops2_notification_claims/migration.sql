-- A notification is claimed before it is sent, in a transaction of its own that commits, and marked
-- after: `claims` counts the claims, `claimed_until` is the current claim's lease. A sender skips a
-- row whose lease runs (another sender has it, or died with it and the lease has not run out), so
-- a killed worker's message is not sent again at once by the next worker. A claim that ended
-- without a mark (claims > attempts) leaves the outcome unknown: the next sender checks the
-- receiver first where it can (`first_claimed_at` bounds Slack's history search). `remote_ref` is
-- what the receiver named the message (Slack's channel and ts).
ALTER TABLE "notification_deliveries" ADD COLUMN "claims" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "notification_deliveries" ADD COLUMN "claimed_until" TIMESTAMPTZ(3);
ALTER TABLE "notification_deliveries" ADD COLUMN "first_claimed_at" TIMESTAMPTZ(3);
ALTER TABLE "notification_deliveries" ADD COLUMN "remote_ref" TEXT;
