import { Migration } from '@mikro-orm/migrations';

/** Name of the login role the running audit service uses (INSERT and SELECT only). */
export const AUDIT_WRITER_ROLE = 'vigie_audit_writer';

/**
 * The append-only audit log: per-tenant hash-chained records, signed checkpoints, archived
 * segments. Runs as the schema owner (search_path = the service schema).
 *
 * - `records` / `checkpoints` / `archives`: triggers refuse UPDATE, DELETE and
 *   TRUNCATE. The one exception is `purge_archived_segment` (SECURITY DEFINER): it removes a
 *   tenant's oldest records only up to a retention anchor checkpoint that matches the chain and
 *   only when that segment was archived first.
 * - The writer role gets USAGE, SELECT and INSERT, and EXECUTE on the purge function; nothing else.
 */
export class Migration20261128150000_audit_chain extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
CREATE TABLE records (
  tenant      text        NOT NULL,
  seq         bigint      NOT NULL CHECK (seq >= 1),
  event_id    text        NOT NULL,
  recorded_at timestamptz NOT NULL,
  event       jsonb       NOT NULL,
  prev_hash   text        NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash        text        NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  event_time  timestamptz NOT NULL,
  CONSTRAINT records_pkey PRIMARY KEY (tenant, seq),
  CONSTRAINT records_event_id_key UNIQUE (tenant, event_id)
);
COMMENT ON TABLE records IS 'Append-only per-tenant hash chain of audit events (see docs/adr/0010-audit-service.md)';
COMMENT ON COLUMN records.event_time IS 'The event''s own time, copied for range queries; not hashed, the event is authoritative';
CREATE INDEX records_event_idx ON records USING gin (event jsonb_path_ops);
CREATE INDEX records_event_time_idx ON records (tenant, event_time);
CREATE INDEX records_recorded_at_idx ON records (tenant, recorded_at);

CREATE TABLE checkpoints (
  tenant     text        NOT NULL,
  seq        bigint      NOT NULL CHECK (seq >= 1),
  hash       text        NOT NULL,
  time       text        NOT NULL,
  kind       text        NOT NULL CHECK (kind IN ('periodic', 'anchor')),
  key_id     text        NOT NULL,
  signature  text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT checkpoints_pkey PRIMARY KEY (tenant, seq, kind)
);

CREATE TABLE archives (
  tenant      text        NOT NULL,
  from_seq    bigint      NOT NULL,
  to_seq      bigint      NOT NULL,
  records     bigint      NOT NULL,
  location    text        NOT NULL,
  sha256      text        NOT NULL,
  bytes       bigint      NOT NULL,
  archived_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT archives_pkey PRIMARY KEY (tenant, to_seq)
);

CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME IN ('records', 'checkpoints')
     AND current_setting('vigie.audit_retention_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit log table %: % refused, the audit log is append-only', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$fn$;

CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON records FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON records FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER archives_append_only BEFORE UPDATE OR DELETE ON archives FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER archives_no_truncate BEFORE TRUNCATE ON archives FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();

-- Retention: removes records 1..p_up_to_seq of a tenant only when a retention anchor checkpoint
-- at p_up_to_seq matches the record there and the segment was archived. The service verifies the
-- archive and the anchor's Ed25519 signature before calling (PostgreSQL cannot check Ed25519).
CREATE FUNCTION purge_archived_segment(p_tenant text, p_up_to_seq bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
DECLARE
  v_anchor_hash text;
  v_record_hash text;
  v_first bigint;
  v_removed bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('vigie.audit.chain'), hashtext(p_tenant));
  SELECT hash INTO v_anchor_hash FROM checkpoints WHERE tenant = p_tenant AND seq = p_up_to_seq AND kind = 'anchor';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'AUDIT_RETENTION_REFUSED: no retention anchor checkpoint at seq % of tenant %', p_up_to_seq, p_tenant USING ERRCODE = 'check_violation';
  END IF;
  SELECT hash INTO v_record_hash FROM records WHERE tenant = p_tenant AND seq = p_up_to_seq;
  IF NOT FOUND OR v_record_hash IS DISTINCT FROM v_anchor_hash THEN
    RAISE EXCEPTION 'AUDIT_RETENTION_REFUSED: the anchor at seq % does not match the chain of tenant %', p_up_to_seq, p_tenant USING ERRCODE = 'check_violation';
  END IF;
  SELECT min(seq) INTO v_first FROM records WHERE tenant = p_tenant;
  IF NOT EXISTS (SELECT 1 FROM archives WHERE tenant = p_tenant AND from_seq <= v_first AND to_seq = p_up_to_seq) THEN
    RAISE EXCEPTION 'AUDIT_RETENTION_REFUSED: records %..% of tenant % were not archived', v_first, p_up_to_seq, p_tenant USING ERRCODE = 'check_violation';
  END IF;
  PERFORM set_config('vigie.audit_retention_purge', 'on', true);
  DELETE FROM records WHERE tenant = p_tenant AND seq <= p_up_to_seq;
  GET DIAGNOSTICS v_removed = ROW_COUNT;
  DELETE FROM checkpoints WHERE tenant = p_tenant AND seq < p_up_to_seq;
  PERFORM set_config('vigie.audit_retention_purge', 'off', true);
  RETURN v_removed;
END
$fn$;
REVOKE ALL ON FUNCTION purge_archived_segment(text, bigint) FROM PUBLIC;

DO $do$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${AUDIT_WRITER_ROLE}') THEN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO ${AUDIT_WRITER_ROLE}', current_schema());
    GRANT SELECT, INSERT ON records, checkpoints, archives TO ${AUDIT_WRITER_ROLE};
    GRANT EXECUTE ON FUNCTION purge_archived_segment(text, bigint) TO ${AUDIT_WRITER_ROLE};
  ELSE
    RAISE WARNING 'role ${AUDIT_WRITER_ROLE} does not exist: grant it SELECT, INSERT on the audit tables before starting the service';
  END IF;
END
$do$;
`);
  }
}
