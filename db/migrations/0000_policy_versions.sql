CREATE TABLE `policy_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`document` text NOT NULL,
	`version` integer NOT NULL,
	`locale` text NOT NULL,
	`effective_on` text NOT NULL,
	`title` text NOT NULL,
	`text_hash` text NOT NULL,
	`recorded_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `policy_versions_document_version_locale` ON `policy_versions` (`document`,`version`,`locale`);