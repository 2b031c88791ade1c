DROP INDEX `marketing_subscriptions_address_lower`;--> statement-breakpoint
ALTER TABLE `marketing_subscriptions` ADD `address_key` text;--> statement-breakpoint
CREATE INDEX `marketing_subscriptions_address_key` ON `marketing_subscriptions` (`channel`,`address_key`);--> statement-breakpoint
DROP INDEX `requests_email_lower`;--> statement-breakpoint
ALTER TABLE `requests` ADD `email_key` text;--> statement-breakpoint
CREATE INDEX `requests_email_key` ON `requests` (`email_key`);