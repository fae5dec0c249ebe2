import { Migration } from '@mikro-orm/migrations';

/**
 * The ontology's tables, in the service schema (the pool sets `search_path` to it, so names are
 * unqualified). Markings are stored as a level rank (NP = 0 … TS = 3) and a `text[]` of
 * compartments so that the policy library's SQL filter applies `<=` and `<@` inside every query.
 * Property values live in one `jsonb` per object: name → { value, marking, provenance }.
 * History tables are append-only: one row per version, with a full snapshot.
 */
export class Migration20261128150000_ontology_storage extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
CREATE OR REPLACE FUNCTION marking_rank(level text) RETURNS smallint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT (array_position(ARRAY['NP','DR','S','TS'], level) - 1)::smallint $$;`);
    this.addSql(`
CREATE OR REPLACE FUNCTION entry_visible(entry jsonb, max_rank int, held text[]) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT entry IS NOT NULL
        AND coalesce((array_position(ARRAY['NP','DR','S','TS'], entry->'marking'->>'level') - 1), 99) <= max_rank
        AND ARRAY(SELECT jsonb_array_elements_text(coalesce(entry->'marking'->'compartments', '[]'::jsonb))) <@ held $$;`);
    this.addSql(`
CREATE OR REPLACE FUNCTION visible_properties(props jsonb, max_rank int, held text[]) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
        FROM jsonb_each(props) e
        WHERE coalesce((array_position(ARRAY['NP','DR','S','TS'], e.value->'marking'->>'level') - 1), 99) <= max_rank
          AND ARRAY(SELECT jsonb_array_elements_text(coalesce(e.value->'marking'->'compartments', '[]'::jsonb))) <@ held $$;`);
    this.addSql(`
CREATE OR REPLACE FUNCTION value_elements(v jsonb) RETURNS SETOF jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT x FROM jsonb_array_elements(CASE WHEN jsonb_typeof(v) = 'array' THEN v ELSE jsonb_build_array(v) END) x $$;`);

    this.addSql(`
CREATE TABLE ontology_document (
  tenant text NOT NULL,
  version integer NOT NULL,
  document jsonb NOT NULL,
  change jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by jsonb NOT NULL,
  purpose jsonb,
  PRIMARY KEY (tenant, version)
);`);

    this.addSql(`
CREATE TABLE object (
  id uuid PRIMARY KEY,
  tenant text NOT NULL,
  type text NOT NULL,
  source text NOT NULL,
  source_key text,
  version integer NOT NULL,
  level_rank smallint NOT NULL CHECK (level_rank BETWEEN 0 AND 3),
  compartments text[] NOT NULL DEFAULT '{}',
  properties jsonb NOT NULL,
  provenance jsonb NOT NULL,
  content_hash text NOT NULL,
  entity_id uuid,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  deleted_at timestamptz
);`);
    this.addSql(`CREATE UNIQUE INDEX object_source_key_uq ON object (tenant, source, source_key);`);
    this.addSql(`CREATE INDEX object_tenant_type_idx ON object (tenant, type, updated_at, id);`);
    this.addSql(`CREATE INDEX object_tenant_updated_idx ON object (tenant, updated_at, id);`);
    this.addSql(`CREATE INDEX object_entity_idx ON object (entity_id) WHERE entity_id IS NOT NULL;`);

    this.addSql(`
CREATE TABLE object_version (
  object_id uuid NOT NULL REFERENCES object (id),
  version integer NOT NULL,
  tenant text NOT NULL,
  change text NOT NULL,
  at timestamptz NOT NULL,
  actor jsonb NOT NULL,
  purpose jsonb,
  provenance jsonb NOT NULL,
  level_rank smallint NOT NULL,
  compartments text[] NOT NULL,
  snapshot jsonb NOT NULL,
  changed_properties text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (object_id, version)
);`);

    this.addSql(`
CREATE TABLE link (
  id uuid PRIMARY KEY,
  tenant text NOT NULL,
  type text NOT NULL,
  source text NOT NULL,
  source_key text,
  from_id uuid NOT NULL REFERENCES object (id),
  to_id uuid NOT NULL REFERENCES object (id),
  directed boolean NOT NULL,
  version integer NOT NULL,
  level_rank smallint NOT NULL CHECK (level_rank BETWEEN 0 AND 3),
  compartments text[] NOT NULL DEFAULT '{}',
  properties jsonb NOT NULL,
  provenance jsonb NOT NULL,
  valid_from text,
  valid_to text,
  content_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  deleted_at timestamptz
);`);
    this.addSql(`CREATE UNIQUE INDEX link_source_key_uq ON link (tenant, source, source_key);`);
    this.addSql(`CREATE INDEX link_tenant_type_idx ON link (tenant, type, updated_at, id);`);
    this.addSql(`CREATE INDEX link_tenant_updated_idx ON link (tenant, updated_at, id);`);
    this.addSql(`CREATE INDEX link_from_idx ON link (from_id);`);
    this.addSql(`CREATE INDEX link_to_idx ON link (to_id);`);

    this.addSql(`
CREATE TABLE link_version (
  link_id uuid NOT NULL REFERENCES link (id),
  version integer NOT NULL,
  tenant text NOT NULL,
  change text NOT NULL,
  at timestamptz NOT NULL,
  actor jsonb NOT NULL,
  purpose jsonb,
  provenance jsonb NOT NULL,
  level_rank smallint NOT NULL,
  compartments text[] NOT NULL,
  snapshot jsonb NOT NULL,
  changed_properties text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (link_id, version)
);`);

    this.addSql(`
CREATE TABLE entity (
  id uuid PRIMARY KEY,
  tenant text NOT NULL,
  object_type text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);`);
    this.addSql(`
CREATE TABLE merge (
  id uuid PRIMARY KEY,
  tenant text NOT NULL,
  entity_id uuid NOT NULL REFERENCES entity (id),
  member_ids uuid[] NOT NULL,
  score double precision NOT NULL,
  reasons jsonb NOT NULL,
  decided_by text NOT NULL,
  actor jsonb NOT NULL,
  comment text,
  moves jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  undone_at timestamptz,
  undone_by text,
  undo_comment text
);`);
    this.addSql(`CREATE INDEX merge_entity_idx ON merge (tenant, entity_id);`);
    this.addSql(`CREATE INDEX merge_members_idx ON merge USING gin (member_ids);`);
    this.addSql(`
CREATE TABLE entity_membership (
  id bigserial PRIMARY KEY,
  tenant text NOT NULL,
  entity_id uuid NOT NULL REFERENCES entity (id),
  object_id uuid NOT NULL REFERENCES object (id),
  merge_id uuid NOT NULL REFERENCES merge (id),
  score double precision NOT NULL,
  reasons jsonb NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now(),
  removed_at timestamptz
);`);
    this.addSql(`CREATE INDEX entity_membership_object_idx ON entity_membership (object_id) WHERE removed_at IS NULL;`);
    this.addSql(`CREATE INDEX entity_membership_entity_idx ON entity_membership (entity_id);`);
    this.addSql(`
CREATE TABLE review_item (
  id uuid PRIMARY KEY,
  tenant text NOT NULL,
  object_type text NOT NULL,
  left_id uuid NOT NULL REFERENCES object (id),
  right_id uuid NOT NULL REFERENCES object (id),
  score double precision NOT NULL,
  reasons jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'merged', 'rejected')),
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz,
  decided_by text,
  comment text,
  merge_id uuid
);`);
    this.addSql(`CREATE UNIQUE INDEX review_pair_uq ON review_item (tenant, least(left_id, right_id), greatest(left_id, right_id));`);
    this.addSql(`CREATE INDEX review_queue_idx ON review_item (tenant, status, score DESC, id);`);
    this.addSql(`
CREATE TABLE identity_key (
  tenant text NOT NULL,
  object_type text NOT NULL,
  key text NOT NULL,
  object_id uuid NOT NULL REFERENCES object (id),
  PRIMARY KEY (tenant, object_type, key, object_id)
);`);
    this.addSql(`CREATE INDEX identity_key_object_idx ON identity_key (object_id);`);
    this.addSql(`
CREATE TABLE blocking_key (
  tenant text NOT NULL,
  object_type text NOT NULL,
  key text NOT NULL,
  object_id uuid NOT NULL REFERENCES object (id),
  PRIMARY KEY (tenant, object_type, key, object_id)
);`);
    this.addSql(`CREATE INDEX blocking_key_object_idx ON blocking_key (object_id);`);
    this.addSql(`
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  subject text NOT NULL,
  msg_id text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);`);
  }

  override async down(): Promise<void> {
    for (const table of ['outbox', 'blocking_key', 'identity_key', 'review_item', 'entity_membership', 'merge', 'entity', 'link_version', 'link', 'object_version', 'object', 'ontology_document']) {
      this.addSql(`DROP TABLE IF EXISTS ${table};`);
    }
    for (const fn of ['value_elements(jsonb)', 'visible_properties(jsonb, int, text[])', 'entry_visible(jsonb, int, text[])', 'marking_rank(text)']) {
      this.addSql(`DROP FUNCTION IF EXISTS ${fn};`);
    }
  }
}
