CREATE TABLE `request_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` integer NOT NULL,
	`occurred_at` integer NOT NULL,
	`actor` text NOT NULL,
	`kind` text NOT NULL,
	`detail` text,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `request_events_request` ON `request_events` (`request_id`,`id`);--> statement-breakpoint
CREATE TABLE `request_exports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`content` text NOT NULL,
	`content_hash` text NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `request_exports_request` ON `request_exports` (`request_id`);--> statement-breakpoint
CREATE TABLE `requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reference` text NOT NULL,
	`type` text NOT NULL,
	`locale` text NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`customer_reference` text,
	`consent_id` text,
	`details` text,
	`inaccurate_data` text,
	`correct_data` text,
	`scope` text,
	`grounds` text,
	`format` text,
	`status` text NOT NULL,
	`received_at` integer NOT NULL,
	`due_on` text NOT NULL,
	`due_at` integer NOT NULL,
	`extension_days` integer,
	`extension_reason` text,
	`verified_at` integer,
	`closed_at` integer,
	`outcome` text,
	`status_token_hash` text NOT NULL,
	`verify_token_hash` text,
	`verify_expires_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `requests_reference` ON `requests` (`reference`);--> statement-breakpoint
CREATE UNIQUE INDEX `requests_status_token` ON `requests` (`status_token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `requests_verify_token` ON `requests` (`verify_token_hash`);--> statement-breakpoint
CREATE INDEX `requests_due` ON `requests` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `requests_email` ON `requests` (`email`);--> statement-breakpoint
CREATE INDEX `requests_consent_id` ON `requests` (`consent_id`);--> statement-breakpoint
-- The audit trail of a request is append-only: who did what and when can be added to, never rewritten.
CREATE TRIGGER `request_events_no_update` BEFORE UPDATE ON `request_events`
BEGIN SELECT RAISE(ABORT, 'request events are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `request_events_no_delete` BEFORE DELETE ON `request_events`
BEGIN SELECT RAISE(ABORT, 'request events are append-only'); END;
