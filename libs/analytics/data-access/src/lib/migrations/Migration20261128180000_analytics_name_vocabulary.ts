import { Migration } from '@mikro-orm/migrations';

/**
 * The name vocabulary: the distinct normalised name tokens of each tenant's search documents, per
 * marking of the document they came from (so a reader only expands a query with tokens of
 * documents of a marking they may see). Fuzzy search corrects each query token against this small
 * table (trigram similarity) instead of comparing the whole query with every document's names,
 * then matches documents through the consonant-skeleton index: the cost follows the vocabulary
 * and the matches, not the number of documents.
 *
 * Kept by a statement-level trigger on `doc` (every writer — the projector, a bulk load — feeds
 * it, set-based through the transition table). Tokens are never removed: a deleted or re-marked
 * document's tokens stay as harmless expansions (a document only matches through its own, current,
 * visible row). Tables and functions unqualified: the pool's `search_path` is the service schema,
 * captured by the function (`SET search_path FROM CURRENT`).
 */
export class Migration20261128180000_analytics_name_vocabulary extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
CREATE TABLE name_token (
  tenant text NOT NULL,
  token text NOT NULL,
  level smallint NOT NULL,
  compartments text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (tenant, token, level, compartments)
);`);
    this.addSql(`CREATE INDEX name_token_trgm_idx ON name_token USING gin (token gin_trgm_ops);`);
    this.addSql(`
CREATE FUNCTION name_token_collect() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  INSERT INTO name_token (tenant, token, level, compartments)
  SELECT DISTINCT n.tenant, t.token, n.level, n.compartments
  FROM new_docs n CROSS JOIN LATERAL regexp_split_to_table(n.names, '[ |]+') AS t(token)
  WHERE t.token <> '' AND length(t.token) <= 64
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$fn$;`);
    this.addSql(`CREATE TRIGGER doc_name_tokens AFTER INSERT ON doc REFERENCING NEW TABLE AS new_docs FOR EACH STATEMENT EXECUTE FUNCTION name_token_collect();`);
    this.addSql(`
INSERT INTO name_token (tenant, token, level, compartments)
SELECT DISTINCT d.tenant, t.token, d.level, d.compartments
FROM doc d CROSS JOIN LATERAL regexp_split_to_table(d.names, '[ |]+') AS t(token)
WHERE t.token <> '' AND length(t.token) <= 64
ON CONFLICT DO NOTHING;`);
    this.addSql(`ANALYZE name_token;`);
  }

  override async down(): Promise<void> {
    this.addSql('DROP TRIGGER IF EXISTS doc_name_tokens ON doc;');
    this.addSql('DROP FUNCTION IF EXISTS name_token_collect();');
    this.addSql('DROP TABLE IF EXISTS name_token;');
  }
}
