ALTER TABLE `consent_records` ADD `erased_at` integer;--> statement-breakpoint
ALTER TABLE `marketing_subscriptions` ADD `erased_at` integer;--> statement-breakpoint
-- A consent record stays append-only with one exception: an executed erasure request replaces its consent id by
-- `erased` and stamps the time, once. Every other change, and any delete, is still refused.
DROP TRIGGER `consent_records_no_update`;
--> statement-breakpoint
CREATE TRIGGER `consent_records_no_update` BEFORE UPDATE ON `consent_records`
WHEN NOT (
  OLD.`erased_at` IS NULL AND NEW.`erased_at` IS NOT NULL AND NEW.`consent_id` = 'erased'
  AND NEW.`id` IS OLD.`id` AND NEW.`site_id` IS OLD.`site_id` AND NEW.`origin` IS OLD.`origin`
  AND NEW.`recorded_at` IS OLD.`recorded_at` AND NEW.`action` IS OLD.`action` AND NEW.`source` IS OLD.`source`
  AND NEW.`preferences` IS OLD.`preferences` AND NEW.`analytics` IS OLD.`analytics` AND NEW.`marketing` IS OLD.`marketing`
  AND NEW.`locale` IS OLD.`locale` AND NEW.`policy_document` IS OLD.`policy_document`
  AND NEW.`policy_version` IS OLD.`policy_version` AND NEW.`text_hash` IS OLD.`text_hash`
  AND NEW.`banner_version` IS OLD.`banner_version` AND NEW.`revision` IS OLD.`revision`
  AND NEW.`expires_at` IS OLD.`expires_at` AND NEW.`gpc_signal` IS OLD.`gpc_signal`
  AND NEW.`previous_hash` IS OLD.`previous_hash` AND NEW.`record_hash` IS OLD.`record_hash`
)
BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;
