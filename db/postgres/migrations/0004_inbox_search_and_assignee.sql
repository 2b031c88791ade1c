ALTER TABLE "requests" ADD COLUMN "assigned_to" bigint;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "name_key" text;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_assigned_to_dpo_users_id_fk" FOREIGN KEY ("assigned_to") REFERENCES "public"."dpo_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "requests_assigned" ON "requests" USING btree ("assigned_to","status");