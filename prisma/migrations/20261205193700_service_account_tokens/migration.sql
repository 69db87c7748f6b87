-- AlterTable: a token may act as a service account (its roles are the account's, read at each use)
ALTER TABLE "api_tokens" ADD COLUMN "service_account" TEXT;

-- AddForeignKey: deleting a service account ends its tokens
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_service_account_fkey" FOREIGN KEY ("service_account") REFERENCES "service_accounts"("name") ON DELETE CASCADE ON UPDATE CASCADE;
