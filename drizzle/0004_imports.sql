ALTER TABLE "contacts" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "deal_notes" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "external_id" text;--> statement-breakpoint
CREATE INDEX "contacts_tenant_external" ON "contacts" USING btree ("tenant_id","external_id");--> statement-breakpoint
CREATE INDEX "contacts_tenant_name" ON "contacts" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "deal_stage_history_deal" ON "deal_stage_history" USING btree ("deal_id");--> statement-breakpoint
CREATE INDEX "deals_tenant_external" ON "deals" USING btree ("tenant_id","external_id");--> statement-breakpoint
CREATE INDEX "payments_invoice" ON "payments" USING btree ("invoice_id");