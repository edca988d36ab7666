CREATE TABLE "notification_channels" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"config" jsonb NOT NULL,
	"events" text[] NOT NULL,
	"all_endpoints" boolean DEFAULT false NOT NULL,
	"endpoint_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"reminder_every_minutes" integer,
	"reminder_max" integer,
	"group_seconds" integer DEFAULT 5 NOT NULL,
	"from_settings" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_deliveries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"channel_id" uuid NOT NULL,
	"event" text NOT NULL,
	"endpoint_id" uuid,
	"endpoint_name" text,
	"notifications" integer NOT NULL,
	"attempt" integer NOT NULL,
	"outcome" text NOT NULL,
	"status_code" integer,
	"answer" text NOT NULL,
	"latency_ms" integer NOT NULL,
	"at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_outbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"channel_id" uuid NOT NULL,
	"event" text NOT NULL,
	"endpoint_id" uuid,
	"incident_id" uuid,
	"notice" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_by" text,
	"claimed_until" timestamp (3) with time zone,
	"delivered_at" timestamp (3) with time zone,
	"failed_at" timestamp (3) with time zone,
	"last_error" text,
	"thread_ref" text
);
--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_channel_id_notification_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."notification_channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notification_channels_created_at_id_idx" ON "notification_channels" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "notification_deliveries_channel_at_idx" ON "notification_deliveries" USING btree ("channel_id","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "notification_deliveries_at_idx" ON "notification_deliveries" USING btree ("at");--> statement-breakpoint
CREATE INDEX "notification_outbox_due_idx" ON "notification_outbox" USING btree ("due_at") WHERE delivered_at is null and failed_at is null;--> statement-breakpoint
CREATE INDEX "notification_outbox_incident_idx" ON "notification_outbox" USING btree ("incident_id","channel_id");--> statement-breakpoint
CREATE INDEX "notification_outbox_endpoint_idx" ON "notification_outbox" USING btree ("endpoint_id","channel_id");--> statement-breakpoint
CREATE INDEX "notification_outbox_created_at_idx" ON "notification_outbox" USING btree ("created_at");