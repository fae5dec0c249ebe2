import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { describeIssues } from '@vigie/shared-contracts';
import { IdentityException, IdentityExceptionCode } from '@vigie/identity-contracts';
import { RealmDefinition, realmDefinitionSchema } from './realm-definition.schema';

/** Parses and validates one realm file; errors name the file and the field (`users.2.clearance: …`). */
export function parseRealmDefinition(text: string, file: string): RealmDefinition {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new IdentityException(IdentityExceptionCode.RealmDefinitionInvalid, `${file}: not valid YAML: ${doc.errors.map((e) => e.message).join('; ')}`, { file });
  }
  const parsed = realmDefinitionSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const { message, fields } = describeIssues(parsed.error);
    throw new IdentityException(IdentityExceptionCode.RealmDefinitionInvalid, `${file}: ${message}`, { file, fields });
  }
  return parsed.data;
}

/** Every `*.yaml` / `*.yml` of a directory, sorted by name; two files for one realm are refused. */
export async function loadRealmDefinitions(dir: string): Promise<{ file: string; definition: RealmDefinition }[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (error) {
    throw new IdentityException(IdentityExceptionCode.RealmDefinitionInvalid, `REALMS_DIR ${dir} cannot be read: ${(error as Error).message}`);
  }
  if (!names.length) throw new IdentityException(IdentityExceptionCode.RealmDefinitionInvalid, `REALMS_DIR ${dir} holds no *.yaml realm file`);
  const out: { file: string; definition: RealmDefinition }[] = [];
  const realms = new Map<string, string>();
  for (const n of names) {
    const file = join(dir, n);
    const definition = parseRealmDefinition(await readFile(file, 'utf8'), file);
    const other = realms.get(definition.realm);
    if (other) throw new IdentityException(IdentityExceptionCode.RealmDefinitionInvalid, `${file}: realm "${definition.realm}" is already defined in ${other}`);
    realms.set(definition.realm, file);
    out.push({ file, definition });
  }
  return out;
}
