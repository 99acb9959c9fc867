CREATE TABLE "conversation_context" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"conversation_id" text NOT NULL,
	"thread_id" text DEFAULT '' NOT NULL,
	"user_id" uuid NOT NULL,
	"last_query" jsonb,
	"entities" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"pending" jsonb,
	"pending_expires_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "conversation_context_key" ON "conversation_context" USING btree ("tenant_id","channel","conversation_id","thread_id","user_id");