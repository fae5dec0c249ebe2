import { Migration } from '@mikro-orm/migrations';

/**
 * The analytics projections, built from the ONTOLOGY stream (tables unqualified: the pool sets
 * `search_path` to the service schema, then `public` where pg_trgm, unaccent and btree_gin live).
 *
 * - `tenant_ontology`: each tenant's ontology document (title/time/geo/name properties of types).
 * - `object`: one row per object: type, version (idempotence), marking (level rank + compartments),
 *   deleted flag, and the title with the marking of the title property.
 * - `doc`: the searchable text of an object, one row per effective marking (object ∨ property):
 *   a property marked above its object is only in a row carrying that higher marking, so it is
 *   matched, counted, faceted, filtered and highlighted only for readers cleared for it. Dates and
 *   geo points live in the row of their property's marking, for the same reason.
 * - `link`: the graph adjacency with the state of both ends copied in (type, marking, deleted), so
 *   that one markings filter on `eff_*` hides a link whose link or either end the reader may not see.
 */
export class Migration20261128160000_analytics_projections extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
CREATE TABLE tenant_ontology (
  tenant text PRIMARY KEY,
  version integer NOT NULL,
  document jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);`);
    this.addSql(`
CREATE TABLE object (
  tenant text NOT NULL,
  id uuid NOT NULL,
  type text NOT NULL,
  version integer NOT NULL,
  level smallint NOT NULL,
  compartments text[] NOT NULL DEFAULT '{}',
  deleted boolean NOT NULL DEFAULT false,
  entity_id uuid,
  title text,
  title_level smallint NOT NULL DEFAULT 0,
  title_compartments text[] NOT NULL DEFAULT '{}',
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (tenant, id)
);`);
    this.addSql(`
CREATE TABLE doc (
  tenant text NOT NULL,
  object_id uuid NOT NULL,
  seq smallint NOT NULL,
  type text NOT NULL,
  level smallint NOT NULL,
  compartments text[] NOT NULL DEFAULT '{}',
  deleted boolean NOT NULL DEFAULT false,
  fields jsonb NOT NULL DEFAULT '{}',
  props jsonb NOT NULL DEFAULT '{}',
  tsv tsvector NOT NULL,
  names text NOT NULL DEFAULT '',
  skel tsvector NOT NULL,
  at timestamptz,
  lat double precision,
  lon double precision,
  PRIMARY KEY (tenant, object_id, seq)
);`);
    this.addSql(`CREATE INDEX doc_tsv_idx ON doc USING gin (tsv);`);
    this.addSql(`CREATE INDEX doc_names_trgm_idx ON doc USING gin (names gin_trgm_ops);`);
    this.addSql(`CREATE INDEX doc_skel_idx ON doc USING gin (skel);`);
    this.addSql(`CREATE INDEX doc_at_idx ON doc (tenant, at) WHERE at IS NOT NULL;`);
    this.addSql(`CREATE INDEX doc_geo_idx ON doc (tenant, lat, lon) WHERE lat IS NOT NULL;`);
    this.addSql(`CREATE INDEX doc_type_idx ON doc (tenant, type, object_id) WHERE seq = 0;`);
    this.addSql(`
CREATE TABLE link (
  tenant text NOT NULL,
  id uuid NOT NULL,
  type text NOT NULL,
  from_id uuid NOT NULL,
  to_id uuid NOT NULL,
  directed boolean NOT NULL,
  version integer NOT NULL,
  level smallint NOT NULL,
  compartments text[] NOT NULL DEFAULT '{}',
  deleted boolean NOT NULL DEFAULT false,
  valid_from timestamptz,
  valid_to timestamptz,
  from_type text NOT NULL DEFAULT '',
  from_level smallint NOT NULL DEFAULT 99,
  from_compartments text[] NOT NULL DEFAULT '{}',
  from_deleted boolean NOT NULL DEFAULT true,
  to_type text NOT NULL DEFAULT '',
  to_level smallint NOT NULL DEFAULT 99,
  to_compartments text[] NOT NULL DEFAULT '{}',
  to_deleted boolean NOT NULL DEFAULT true,
  eff_level smallint GENERATED ALWAYS AS (greatest(level, from_level, to_level)) STORED,
  eff_compartments text[] GENERATED ALWAYS AS (compartments || from_compartments || to_compartments) STORED,
  alive boolean GENERATED ALWAYS AS (NOT (deleted OR from_deleted OR to_deleted)) STORED,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (tenant, id)
);`);
    this.addSql(`CREATE INDEX link_from_idx ON link (tenant, from_id) INCLUDE (to_id, type, eff_level, alive);`);
    this.addSql(`CREATE INDEX link_to_idx ON link (tenant, to_id) INCLUDE (from_id, type, eff_level, alive);`);
    this.addSql(`CREATE INDEX link_valid_idx ON link (tenant, (coalesce(valid_from, valid_to))) WHERE valid_from IS NOT NULL OR valid_to IS NOT NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql('DROP TABLE IF EXISTS link, doc, object, tenant_ontology;');
  }
}
