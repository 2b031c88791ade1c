-- Proof records are append-only: a decision is corrected by a newer record, never by editing or deleting one.
CREATE TRIGGER `consent_records_no_update` BEFORE UPDATE ON `consent_records`
BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `consent_records_no_delete` BEFORE DELETE ON `consent_records`
BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `marketing_events_no_update` BEFORE UPDATE ON `marketing_events`
BEGIN SELECT RAISE(ABORT, 'marketing consent events are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `marketing_events_no_delete` BEFORE DELETE ON `marketing_events`
BEGIN SELECT RAISE(ABORT, 'marketing consent events are append-only'); END;
