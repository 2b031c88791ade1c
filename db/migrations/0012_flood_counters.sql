CREATE TABLE `flood_counters` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `flood_counters_expires_at` ON `flood_counters` (`expires_at`);