import { AuditStore } from './audit-store';
import { Migration20261128150000_audit_chain } from './migrations/Migration20261128150000_audit_chain';

function migrationSql(): string {
  const migration = Object.create(Migration20261128150000_audit_chain.prototype) as Migration20261128150000_audit_chain & { addSql(sql: string): void };
  let sql = '';
  migration.addSql = (s: string) => {
    sql += s;
  };
  void migration.up();
  return sql;
}

describe('audit store', () => {
  it('refuses a schema name that is no SQL identifier', () => {
    expect(() => new AuditStore({ url: 'postgres://u:p@127.0.0.1:1/db', schema: 'audit"; drop', poolMax: 1 })).toThrow(/not a lowercase SQL identifier/);
  });
});

describe('audit schema migration', () => {
  const sql = migrationSql();

  it.each(['records', 'checkpoints', 'archives'])('makes %s append-only (UPDATE, DELETE and TRUNCATE refused by triggers)', (table) => {
    expect(sql).toMatch(new RegExp(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW`));
    expect(sql).toMatch(new RegExp(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT`));
  });

  it('grants the writer role SELECT and INSERT only, plus the retention function', () => {
    const grants = sql.match(/GRANT [^;]+ TO vigie_audit_writer/g) ?? [];
    expect(grants).toEqual([
      'GRANT USAGE ON SCHEMA %I TO vigie_audit_writer',
      'GRANT SELECT, INSERT ON records, checkpoints, archives TO vigie_audit_writer',
      'GRANT EXECUTE ON FUNCTION purge_archived_segment(text, bigint) TO vigie_audit_writer',
    ]);
    expect(sql).toMatch(/REVOKE ALL ON FUNCTION purge_archived_segment\(text, bigint\) FROM PUBLIC/);
  });

  it('removes records only through the SECURITY DEFINER function, behind an anchor and an archive', () => {
    expect(sql).toMatch(/purge_archived_segment\(p_tenant text, p_up_to_seq bigint\) RETURNS bigint\s+LANGUAGE plpgsql SECURITY DEFINER/);
    expect(sql).toMatch(/no retention anchor checkpoint/);
    expect(sql).toMatch(/were not archived/);
  });
});
