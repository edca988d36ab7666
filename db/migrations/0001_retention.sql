CREATE TABLE "check_rollups_hourly" (
	"endpoint_id" uuid NOT NULL,
	"hour" timestamp (3) with time zone NOT NULL,
	"checks" integer NOT NULL,
	"up" integer NOT NULL,
	"degraded" integer NOT NULL,
	"down" integer NOT NULL,
	"response_time_sum" bigint NOT NULL,
	CONSTRAINT "check_rollups_hourly_endpoint_id_hour_pk" PRIMARY KEY("endpoint_id","hour")
);
--> statement-breakpoint
CREATE TABLE "retention_state" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"rolled_up_to" timestamp (3) with time zone NOT NULL,
	"raw_pruned_before" timestamp (3) with time zone,
	CONSTRAINT "retention_state_single_row" CHECK ("retention_state"."id" = 1),
	CONSTRAINT "retention_state_pruned_after_rolled_up" CHECK ("retention_state"."raw_pruned_before" <= "retention_state"."rolled_up_to")
);
--> statement-breakpoint
ALTER TABLE "check_rollups_hourly" ADD CONSTRAINT "check_rollups_hourly_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE cascade ON UPDATE no action;