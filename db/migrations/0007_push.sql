ALTER TABLE "endpoints" ADD COLUMN "grace_seconds" integer DEFAULT 60 NOT NULL;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "cron" text;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "timezone" text;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "last_ping_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "endpoints_push_url_idx" ON "endpoints" USING btree ("url") WHERE "endpoints"."type" = 'push';