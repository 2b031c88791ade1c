CREATE TABLE "flood_counters" (
	"key" text PRIMARY KEY NOT NULL,
	"count" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "flood_counters_expires_at" ON "flood_counters" USING btree ("expires_at");