-- hand-written: the append-only rules of the SQLite migrations (0002, 0003, 0005, 0006, 0009 there), in PL/pgSQL.
-- Each trigger keeps the SQLite trigger's name, refuses exactly what it refuses, with the same words. PostgreSQL adds
-- TRUNCATE, which skips row triggers: each append-only table also refuses a TRUNCATE that would remove a row its
-- DELETE rule protects (SQLite has no TRUNCATE; its DELETE without WHERE is held to the row rule).

-- A trigger that refuses whatever fires it, with the message given as its argument.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0];
END $$;
--> statement-breakpoint
-- A statement trigger that refuses to TRUNCATE a table that has rows, with the message given as its argument.
CREATE FUNCTION refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  has_rows boolean;
BEGIN
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO has_rows;
  IF has_rows THEN
    RAISE EXCEPTION '%', TG_ARGV[0];
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- SQLite's json_valid() for PostgreSQL 15, which has no IS JSON yet.
CREATE FUNCTION text_is_json(value text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  PERFORM value::json;
  RETURN true;
EXCEPTION WHEN invalid_text_representation THEN
  RETURN false;
END $$;
--> statement-breakpoint
-- Proof records are append-only: a decision is corrected by a newer record, never by editing or deleting one. The one
-- exception: an executed erasure request replaces the consent id by `erased`, removes the salt of the commitment and
-- stamps the time, once. The hash format and the commitment stay, so the erased record's other fields stay checkable.
CREATE FUNCTION consent_records_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT (
    OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL AND NEW.consent_id = 'erased' AND NEW.consent_salt IS NULL
    AND NEW.id IS NOT DISTINCT FROM OLD.id AND NEW.site_id IS NOT DISTINCT FROM OLD.site_id
    AND NEW.origin IS NOT DISTINCT FROM OLD.origin AND NEW.recorded_at IS NOT DISTINCT FROM OLD.recorded_at
    AND NEW.action IS NOT DISTINCT FROM OLD.action AND NEW.source IS NOT DISTINCT FROM OLD.source
    AND NEW.preferences IS NOT DISTINCT FROM OLD.preferences AND NEW.analytics IS NOT DISTINCT FROM OLD.analytics
    AND NEW.marketing IS NOT DISTINCT FROM OLD.marketing AND NEW.locale IS NOT DISTINCT FROM OLD.locale
    AND NEW.policy_document IS NOT DISTINCT FROM OLD.policy_document
    AND NEW.policy_version IS NOT DISTINCT FROM OLD.policy_version AND NEW.text_hash IS NOT DISTINCT FROM OLD.text_hash
    AND NEW.banner_version IS NOT DISTINCT FROM OLD.banner_version AND NEW.revision IS NOT DISTINCT FROM OLD.revision
    AND NEW.expires_at IS NOT DISTINCT FROM OLD.expires_at AND NEW.gpc_signal IS NOT DISTINCT FROM OLD.gpc_signal
    AND NEW.previous_hash IS NOT DISTINCT FROM OLD.previous_hash AND NEW.record_hash IS NOT DISTINCT FROM OLD.record_hash
    AND NEW.hash_version IS NOT DISTINCT FROM OLD.hash_version
    AND NEW.consent_commitment IS NOT DISTINCT FROM OLD.consent_commitment
  ) THEN
    RAISE EXCEPTION 'consent records are append-only';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER consent_records_no_update BEFORE UPDATE ON consent_records
FOR EACH ROW EXECUTE FUNCTION consent_records_no_update();
--> statement-breakpoint
-- Retention (npm run retention:apply) may delete the oldest consent records, and only them: those up to the latest
-- checkpoint. A record after it can never be deleted.
CREATE FUNCTION consent_records_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.id > coalesce((SELECT max(up_to_id) FROM consent_retention_checkpoints), 0) THEN
    RAISE EXCEPTION 'consent records are append-only';
  END IF;
  RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER consent_records_no_delete BEFORE DELETE ON consent_records
FOR EACH ROW EXECUTE FUNCTION consent_records_no_delete();
--> statement-breakpoint
CREATE FUNCTION consent_records_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM consent_records WHERE id > coalesce((SELECT max(up_to_id) FROM consent_retention_checkpoints), 0)
  ) THEN
    RAISE EXCEPTION 'consent records are append-only';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER consent_records_no_truncate BEFORE TRUNCATE ON consent_records
FOR EACH STATEMENT EXECUTE FUNCTION consent_records_no_truncate();
--> statement-breakpoint
-- A checkpoint moves forward and names the hash of the last record it removes, which the first remaining record names
-- as its previous hash. The check takes the consent chain's lock (consentChainLockKey in db/postgres/schema.ts), so two
-- retention runs on two instances cannot both pass it against the same latest checkpoint, as SQLite's one writer
-- guarantees there.
CREATE FUNCTION consent_retention_checkpoints_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(123623963885570);
  IF NEW.up_to_id <= coalesce((SELECT max(up_to_id) FROM consent_retention_checkpoints), 0)
    OR NEW.last_deleted_hash IS DISTINCT FROM (SELECT record_hash FROM consent_records WHERE id = NEW.up_to_id)
  THEN
    RAISE EXCEPTION 'a retention checkpoint moves forward and names the hash of the last record it removes';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER consent_retention_checkpoints_link BEFORE INSERT ON consent_retention_checkpoints
FOR EACH ROW EXECUTE FUNCTION consent_retention_checkpoints_link();
--> statement-breakpoint
CREATE TRIGGER consent_retention_checkpoints_no_update BEFORE UPDATE ON consent_retention_checkpoints
FOR EACH ROW EXECUTE FUNCTION refuse_change('retention checkpoints are append-only');
--> statement-breakpoint
CREATE TRIGGER consent_retention_checkpoints_no_delete BEFORE DELETE ON consent_retention_checkpoints
FOR EACH ROW EXECUTE FUNCTION refuse_change('retention checkpoints are append-only');
--> statement-breakpoint
CREATE TRIGGER consent_retention_checkpoints_no_truncate BEFORE TRUNCATE ON consent_retention_checkpoints
FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate('retention checkpoints are append-only');
--> statement-breakpoint
CREATE TRIGGER marketing_events_no_update BEFORE UPDATE ON marketing_events
FOR EACH ROW EXECUTE FUNCTION refuse_change('marketing consent events are append-only');
--> statement-breakpoint
CREATE TRIGGER marketing_events_no_delete BEFORE DELETE ON marketing_events
FOR EACH ROW EXECUTE FUNCTION refuse_change('marketing consent events are append-only');
--> statement-breakpoint
CREATE TRIGGER marketing_events_no_truncate BEFORE TRUNCATE ON marketing_events
FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate('marketing consent events are append-only');
--> statement-breakpoint
-- The audit trail of a request is append-only with one exception: once retention anonymised the request, the free
-- texts in its events' detail (DPO notes, reasons, messages, which may name the person) are removed and the time
-- stamped, once. Who acted, when, and what kind of event it was cannot change.
CREATE FUNCTION request_events_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT (
    OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL
    AND NEW.id IS NOT DISTINCT FROM OLD.id AND NEW.request_id IS NOT DISTINCT FROM OLD.request_id
    AND NEW.occurred_at IS NOT DISTINCT FROM OLD.occurred_at
    AND NEW.actor IS NOT DISTINCT FROM OLD.actor AND NEW.kind IS NOT DISTINCT FROM OLD.kind
    AND (NEW.detail IS NULL OR text_is_json(NEW.detail))
    AND EXISTS (SELECT 1 FROM requests WHERE id = OLD.request_id AND anonymised_at IS NOT NULL)
  ) THEN
    RAISE EXCEPTION 'request events are append-only';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events
FOR EACH ROW EXECUTE FUNCTION request_events_no_update();
--> statement-breakpoint
CREATE TRIGGER request_events_no_delete BEFORE DELETE ON request_events
FOR EACH ROW EXECUTE FUNCTION refuse_change('request events are append-only');
--> statement-breakpoint
CREATE TRIGGER request_events_no_truncate BEFORE TRUNCATE ON request_events
FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate('request events are append-only');
--> statement-breakpoint
-- The portal's own audit trail is append-only.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
FOR EACH ROW EXECUTE FUNCTION refuse_change('audit events are append-only');
--> statement-breakpoint
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION refuse_change('audit events are append-only');
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate('audit events are append-only');
