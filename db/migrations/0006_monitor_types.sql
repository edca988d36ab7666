ALTER TABLE "check_results" ADD COLUMN "certificate" jsonb;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "type" text DEFAULT 'http' NOT NULL;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "certificate_warning_days" integer DEFAULT 14;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "certificate_expires_at" timestamp (3) with time zone;