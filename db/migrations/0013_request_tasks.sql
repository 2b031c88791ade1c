CREATE TABLE `request_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` integer NOT NULL,
	`task_id` integer,
	`origin` text NOT NULL,
	`name` text NOT NULL,
	`media_type` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`content_base64` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`task_id`) REFERENCES `request_tasks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `request_files_request` ON `request_files` (`request_id`,`id`);--> statement-breakpoint
CREATE TABLE `request_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` integer NOT NULL,
	`system` text NOT NULL,
	`action` text NOT NULL,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`due_on` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`lease_until` integer,
	`error` text,
	`result` text,
	`token_hash` text,
	`token_expires_at` integer,
	`reason` text,
	`closed_at` integer,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `request_tasks_request` ON `request_tasks` (`request_id`,`id`);--> statement-breakpoint
CREATE INDEX `request_tasks_due` ON `request_tasks` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `request_tasks_token` ON `request_tasks` (`token_hash`);--> statement-breakpoint
ALTER TABLE `request_exports` ADD `package_base64` text;--> statement-breakpoint
ALTER TABLE `requests` ADD `phone` text;