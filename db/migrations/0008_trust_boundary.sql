ALTER TABLE `dpo_users` ADD `disabled_at` integer;--> statement-breakpoint
ALTER TABLE `requests` ADD `consent_id_linked_by` text;