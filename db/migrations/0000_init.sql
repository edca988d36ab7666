CREATE TABLE "check_results" (
	"id" uuid PRIMARY KEY NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"status" text NOT NULL,
	"response_time" integer NOT NULL,
	"status_code" integer,
	"error_message" text,
	"checked_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "endpoints" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"method" text NOT NULL,
	"headers" jsonb NOT NULL,
	"body" text,
	"interval_seconds" integer NOT NULL,
	"timeout_ms" integer NOT NULL,
	"expected_status_codes" text[] NOT NULL,
	"degraded_threshold_ms" integer NOT NULL,
	"failure_threshold" integer NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"last_checked_at" timestamp (3) with time zone,
	"last_response_time" integer,
	"last_status_code" integer,
	"last_error_message" text,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"resolved_at" timestamp (3) with time zone,
	"failure_count" integer NOT NULL,
	"error_message" text
);
--> statement-breakpoint
ALTER TABLE "check_results" ADD CONSTRAINT "check_results_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "check_results_endpoint_checked_idx" ON "check_results" USING btree ("endpoint_id","checked_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "endpoints_created_at_id_idx" ON "endpoints" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "endpoints_status_idx" ON "endpoints" USING btree ("status");--> statement-breakpoint
CREATE INDEX "endpoints_tags_idx" ON "endpoints" USING gin ("tags");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_one_open_per_endpoint" ON "incidents" USING btree ("endpoint_id") WHERE "incidents"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "incidents_started_at_id_idx" ON "incidents" USING btree ("started_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "incidents_endpoint_idx" ON "incidents" USING btree ("endpoint_id","started_at" DESC NULLS LAST);