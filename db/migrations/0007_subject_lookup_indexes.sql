CREATE INDEX `marketing_subscriptions_address_lower` ON `marketing_subscriptions` (`channel`,lower("address"));--> statement-breakpoint
CREATE INDEX `marketing_subscriptions_consent_id` ON `marketing_subscriptions` (`consent_id`);--> statement-breakpoint
CREATE INDEX `requests_email_lower` ON `requests` (lower("email"));