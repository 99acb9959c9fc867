CREATE TABLE "inbound_turns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" text NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"account" text,
	"payload" jsonb,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"owner" text,
	"locked_until" timestamp with time zone,
	"placeholder" text,
	"response_posts" integer DEFAULT 0 NOT NULL,
	"replay_noticed" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "parts" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_turns_key" ON "inbound_turns" USING btree ("channel","key");--> statement-breakpoint
CREATE INDEX "inbound_turns_pending" ON "inbound_turns" USING btree ("status","locked_until");