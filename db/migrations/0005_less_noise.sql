ALTER TABLE "endpoints" ADD COLUMN "retry_interval_seconds" integer;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "recovery_threshold" integer DEFAULT 1 NOT NULL;