CREATE TABLE "status_page_deliveries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"notice_id" uuid NOT NULL,
	"subscriber_id" uuid NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_by" text,
	"claimed_until" timestamp (3) with time zone,
	"delivered_at" timestamp (3) with time zone,
	"failed_at" timestamp (3) with time zone,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "status_page_notices" (
	"id" uuid PRIMARY KEY NOT NULL,
	"page_id" uuid NOT NULL,
	"item_key" text NOT NULL,
	"notice" jsonb NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_page_subscribers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"page_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"language" text NOT NULL,
	"token" text NOT NULL,
	"secret" text,
	"access_key" text,
	"origin" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"confirmed_at" timestamp (3) with time zone,
	"confirmation_sent_at" timestamp (3) with time zone,
	"last_delivered_at" timestamp (3) with time zone,
	"failed_deliveries" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "status_pages" ADD COLUMN "subscribe_email" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "status_pages" ADD COLUMN "subscribe_webhook" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "status_page_deliveries" ADD CONSTRAINT "status_page_deliveries_notice_id_status_page_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."status_page_notices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_page_deliveries" ADD CONSTRAINT "status_page_deliveries_subscriber_id_status_page_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."status_page_subscribers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_page_notices" ADD CONSTRAINT "status_page_notices_page_id_status_pages_id_fk" FOREIGN KEY ("page_id") REFERENCES "public"."status_pages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_page_subscribers" ADD CONSTRAINT "status_page_subscribers_page_id_status_pages_id_fk" FOREIGN KEY ("page_id") REFERENCES "public"."status_pages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "status_page_deliveries_pair_idx" ON "status_page_deliveries" USING btree ("notice_id","subscriber_id");--> statement-breakpoint
CREATE INDEX "status_page_deliveries_subscriber_idx" ON "status_page_deliveries" USING btree ("subscriber_id");--> statement-breakpoint
CREATE INDEX "status_page_deliveries_due_idx" ON "status_page_deliveries" USING btree ("due_at") WHERE delivered_at is null and failed_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "status_page_notices_item_idx" ON "status_page_notices" USING btree ("page_id","item_key");--> statement-breakpoint
CREATE INDEX "status_page_notices_created_idx" ON "status_page_notices" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "status_page_subscribers_target_idx" ON "status_page_subscribers" USING btree ("page_id","kind","target");--> statement-breakpoint
CREATE UNIQUE INDEX "status_page_subscribers_token_idx" ON "status_page_subscribers" USING btree ("token");--> statement-breakpoint
CREATE INDEX "status_page_subscribers_page_created_idx" ON "status_page_subscribers" USING btree ("page_id","created_at","id");