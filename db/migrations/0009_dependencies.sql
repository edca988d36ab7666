ALTER TABLE "endpoints" ADD COLUMN "parent_id" uuid;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "caused_by_endpoint_id" uuid;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "caused_by_endpoint_name" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "caused_by_incident_id" uuid;--> statement-breakpoint
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_parent_id_endpoints_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."endpoints"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "endpoints_parent_idx" ON "endpoints" USING btree ("parent_id");