CREATE TABLE "whatsapp_contacts" (
	"tenant_id" uuid NOT NULL,
	"account" text NOT NULL,
	"contact" text NOT NULL,
	"last_inbound_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "whatsapp_contacts_tenant_id_account_contact_pk" PRIMARY KEY("tenant_id","account","contact")
);
--> statement-breakpoint
CREATE TABLE "whatsapp_sessions" (
	"tenant_id" uuid NOT NULL,
	"session" text NOT NULL,
	"data" "bytea" NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "whatsapp_sessions_tenant_id_session_pk" PRIMARY KEY("tenant_id","session")
);
