ALTER TABLE `consent_records` ADD `hash_version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `consent_records` ADD `consent_salt` text;--> statement-breakpoint
ALTER TABLE `consent_records` ADD `consent_commitment` text;--> statement-breakpoint
-- hand-written: an erasure may now also remove the salt of a format-2 record (with its consent id, once); the hash
-- format and the commitment stay, so the erased record's remaining fields are still checked. Everything else as 0005.
DROP TRIGGER `consent_records_no_update`;
--> statement-breakpoint
CREATE TRIGGER `consent_records_no_update` BEFORE UPDATE ON `consent_records`
WHEN NOT (
  OLD.`erased_at` IS NULL AND NEW.`erased_at` IS NOT NULL AND NEW.`consent_id` = 'erased' AND NEW.`consent_salt` IS NULL
  AND NEW.`id` IS OLD.`id` AND NEW.`site_id` IS OLD.`site_id` AND NEW.`origin` IS OLD.`origin`
  AND NEW.`recorded_at` IS OLD.`recorded_at` AND NEW.`action` IS OLD.`action` AND NEW.`source` IS OLD.`source`
  AND NEW.`preferences` IS OLD.`preferences` AND NEW.`analytics` IS OLD.`analytics` AND NEW.`marketing` IS OLD.`marketing`
  AND NEW.`locale` IS OLD.`locale` AND NEW.`policy_document` IS OLD.`policy_document`
  AND NEW.`policy_version` IS OLD.`policy_version` AND NEW.`text_hash` IS OLD.`text_hash`
  AND NEW.`banner_version` IS OLD.`banner_version` AND NEW.`revision` IS OLD.`revision`
  AND NEW.`expires_at` IS OLD.`expires_at` AND NEW.`gpc_signal` IS OLD.`gpc_signal`
  AND NEW.`previous_hash` IS OLD.`previous_hash` AND NEW.`record_hash` IS OLD.`record_hash`
  AND NEW.`hash_version` IS OLD.`hash_version` AND NEW.`consent_commitment` IS OLD.`consent_commitment`
)
BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;
