CREATE TABLE `consent_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`consent_id` text NOT NULL,
	`site_id` text NOT NULL,
	`origin` text NOT NULL,
	`recorded_at` integer NOT NULL,
	`action` text NOT NULL,
	`source` text NOT NULL,
	`preferences` integer NOT NULL,
	`analytics` integer NOT NULL,
	`marketing` integer NOT NULL,
	`locale` text NOT NULL,
	`policy_document` text NOT NULL,
	`policy_version` integer NOT NULL,
	`text_hash` text NOT NULL,
	`banner_version` text NOT NULL,
	`revision` text NOT NULL,
	`expires_at` integer NOT NULL,
	`gpc_signal` integer NOT NULL,
	`previous_hash` text NOT NULL,
	`record_hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `consent_records_consent_id` ON `consent_records` (`consent_id`,`id`);--> statement-breakpoint
CREATE TABLE `marketing_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subscription_id` integer NOT NULL,
	`event` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`via` text NOT NULL,
	`policy_version` integer NOT NULL,
	`wording` text NOT NULL,
	FOREIGN KEY (`subscription_id`) REFERENCES `marketing_subscriptions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `marketing_events_subscription` ON `marketing_events` (`subscription_id`,`id`);--> statement-breakpoint
CREATE TABLE `marketing_subscriptions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`address` text NOT NULL,
	`locale` text NOT NULL,
	`consent_id` text,
	`confirm_token_hash` text,
	`confirm_expires_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `marketing_subscriptions_address` ON `marketing_subscriptions` (`channel`,`address`);--> statement-breakpoint
CREATE UNIQUE INDEX `marketing_subscriptions_token` ON `marketing_subscriptions` (`confirm_token_hash`);