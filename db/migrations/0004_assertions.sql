ALTER TABLE "check_results" ADD COLUMN "failed_assertions" jsonb;--> statement-breakpoint
ALTER TABLE "check_results" ADD COLUMN "body_excerpt" text;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "assertions" jsonb DEFAULT '[]'::jsonb NOT NULL;