CREATE TABLE "maintenance_windows" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"kind" text NOT NULL,
	"starts_at" timestamp (3) with time zone,
	"ends_at" timestamp (3) with time zone,
	"cron" text,
	"duration_minutes" integer,
	"timezone" text,
	"all_endpoints" boolean DEFAULT false NOT NULL,
	"endpoint_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "check_results" ADD COLUMN "maintenance" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "maintenance_windows_created_at_id_idx" ON "maintenance_windows" USING btree ("created_at","id");