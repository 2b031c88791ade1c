CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`occurred_at` integer NOT NULL,
	`actor` text NOT NULL,
	`kind` text NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE TABLE `consent_retention_checkpoints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`up_to_id` integer NOT NULL,
	`last_deleted_hash` text NOT NULL,
	`deleted_count` integer NOT NULL,
	`occurred_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `request_events` ADD `redacted_at` integer;--> statement-breakpoint
ALTER TABLE `requests` ADD `anonymised_at` integer;--> statement-breakpoint
-- Retention (npm run retention:apply) may delete the oldest consent records, and only them: first it appends a
-- checkpoint naming the last record it removes and that record's hash (the first remaining record's previous hash),
-- then deletes records up to it. A record after the latest checkpoint can still never be deleted.
CREATE TRIGGER `consent_retention_checkpoints_link` BEFORE INSERT ON `consent_retention_checkpoints`
WHEN NEW.`up_to_id` <= coalesce((SELECT max(`up_to_id`) FROM `consent_retention_checkpoints`), 0)
  OR NEW.`last_deleted_hash` IS NOT (SELECT `record_hash` FROM `consent_records` WHERE `id` = NEW.`up_to_id`)
BEGIN SELECT RAISE(ABORT, 'a retention checkpoint moves forward and names the hash of the last record it removes'); END;
--> statement-breakpoint
CREATE TRIGGER `consent_retention_checkpoints_no_update` BEFORE UPDATE ON `consent_retention_checkpoints`
BEGIN SELECT RAISE(ABORT, 'retention checkpoints are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `consent_retention_checkpoints_no_delete` BEFORE DELETE ON `consent_retention_checkpoints`
BEGIN SELECT RAISE(ABORT, 'retention checkpoints are append-only'); END;
--> statement-breakpoint
DROP TRIGGER `consent_records_no_delete`;
--> statement-breakpoint
CREATE TRIGGER `consent_records_no_delete` BEFORE DELETE ON `consent_records`
WHEN OLD.`id` > coalesce((SELECT max(`up_to_id`) FROM `consent_retention_checkpoints`), 0)
BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;
--> statement-breakpoint
-- The audit trail of a request stays append-only with one exception: once retention anonymised the request, the free
-- texts in its events' detail (DPO notes, reasons, messages, which may name the person) are removed and the time
-- stamped, once. Who acted, when, and what kind of event it was cannot change.
DROP TRIGGER `request_events_no_update`;
--> statement-breakpoint
CREATE TRIGGER `request_events_no_update` BEFORE UPDATE ON `request_events`
WHEN NOT (
  OLD.`redacted_at` IS NULL AND NEW.`redacted_at` IS NOT NULL
  AND NEW.`id` IS OLD.`id` AND NEW.`request_id` IS OLD.`request_id` AND NEW.`occurred_at` IS OLD.`occurred_at`
  AND NEW.`actor` IS OLD.`actor` AND NEW.`kind` IS OLD.`kind`
  AND (NEW.`detail` IS NULL OR json_valid(NEW.`detail`))
  AND EXISTS (SELECT 1 FROM `requests` WHERE `id` = OLD.`request_id` AND `anonymised_at` IS NOT NULL)
)
BEGIN SELECT RAISE(ABORT, 'request events are append-only'); END;
--> statement-breakpoint
-- The portal's own audit trail is append-only.
CREATE TRIGGER `audit_events_no_update` BEFORE UPDATE ON `audit_events`
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `audit_events_no_delete` BEFORE DELETE ON `audit_events`
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
