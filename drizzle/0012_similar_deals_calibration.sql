-- pg_trgm is a trusted extension (PG 13+): the database owner may create it. Similar-deal search and the name index use it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "calibration_proposals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"stage_id" uuid NOT NULL,
	"changes" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stage_setting_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"stage_id" uuid NOT NULL,
	"field" text NOT NULL,
	"from_value" numeric NOT NULL,
	"to_value" numeric NOT NULL,
	"reason" text NOT NULL,
	"proposal_id" uuid,
	"changed_by" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deal_embeddings" (
	"deal_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"model" text NOT NULL,
	"text_hash" text NOT NULL,
	"embedding" real[],
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "calibration_proposals" ADD CONSTRAINT "calibration_proposals_stage_id_stages_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."stages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_setting_changes" ADD CONSTRAINT "stage_setting_changes_stage_id_stages_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."stages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_setting_changes" ADD CONSTRAINT "stage_setting_changes_proposal_id_calibration_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."calibration_proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_embeddings" ADD CONSTRAINT "deal_embeddings_deal_id_deals_id_fk" FOREIGN KEY ("deal_id") REFERENCES "public"."deals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "calibration_proposals_tenant_seq" ON "calibration_proposals" USING btree ("tenant_id","seq");--> statement-breakpoint
CREATE INDEX "calibration_proposals_stage" ON "calibration_proposals" USING btree ("tenant_id","stage_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "calibration_proposals_one_pending" ON "calibration_proposals" USING btree ("tenant_id","stage_id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "stage_setting_changes_stage" ON "stage_setting_changes" USING btree ("tenant_id","stage_id");--> statement-breakpoint
CREATE INDEX "deal_embeddings_tenant_model" ON "deal_embeddings" USING btree ("tenant_id","model");--> statement-breakpoint
CREATE INDEX "deals_name_trgm" ON "deals" USING gin ("name" gin_trgm_ops);