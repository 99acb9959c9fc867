CREATE TABLE "connector_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"secrets" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"webhook_key" text,
	"cursors" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_sync_started_at" timestamp with time zone,
	"last_sync_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_report" jsonb,
	"failing_since" timestamp with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"last_error_code" text,
	"last_error" text,
	"alerted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "connector_objects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"entity" text NOT NULL,
	"external_id" text NOT NULL,
	"local_id" uuid,
	"digest" text,
	"deleted" boolean DEFAULT false NOT NULL,
	"merged_into" text,
	"data" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "connector_accounts_tenant_provider" ON "connector_accounts" USING btree ("tenant_id","provider");--> statement-breakpoint
CREATE UNIQUE INDEX "connector_accounts_webhook_key" ON "connector_accounts" USING btree ("webhook_key");--> statement-breakpoint
CREATE UNIQUE INDEX "connector_objects_key" ON "connector_objects" USING btree ("tenant_id","provider","entity","external_id");--> statement-breakpoint
CREATE INDEX "connector_objects_local" ON "connector_objects" USING btree ("tenant_id","local_id");