CREATE TABLE "endpoint_leases" (
	"endpoint_id" uuid PRIMARY KEY NOT NULL,
	"instance_id" text,
	"claimed_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vigil_instances" (
	"id" text PRIMARY KEY NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"heartbeat_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "endpoint_leases" ADD CONSTRAINT "endpoint_leases_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "endpoint_leases_instance_idx" ON "endpoint_leases" USING btree ("instance_id");