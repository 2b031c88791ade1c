ALTER TABLE `requests` ADD `assigned_to` integer REFERENCES dpo_users(id);--> statement-breakpoint
ALTER TABLE `requests` ADD `name_key` text;--> statement-breakpoint
CREATE INDEX `requests_assigned` ON `requests` (`assigned_to`,`status`);