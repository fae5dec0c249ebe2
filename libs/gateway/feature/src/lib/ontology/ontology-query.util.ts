import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ErrorKind, PlatformErrorCode, PlatformException } from '@vigie/shared-contracts';

/** OpenAPI schema of a contract's body, derived from its zod schema (the contract stays the one source). */
export function openApi(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  try {
    const { $schema: _s, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
    return rest;
  } catch {
    return { type: 'object' };
  }
}

function invalid(field: string, message: string): PlatformException {
  return new PlatformException(PlatformErrorCode.ValidationFailed, ErrorKind.Invalid, `Invalid query: ${field}: ${message}`, { fields: [{ path: field, message }] });
}

/** Query-string values for a contract: numbers and booleans converted, absent ones left out (the contract names what is wrong). */
export const query = {
  int(field: string, value: string | undefined): number | undefined {
    if (value === undefined || value === '') return undefined;
    if (!/^-?\d+$/.test(value)) throw invalid(field, `"${value}" is not an integer`);
    return Number(value);
  },
  bool(field: string, value: string | undefined): boolean | undefined {
    if (value === undefined || value === '') return undefined;
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw invalid(field, `"${value}" is not true or false`);
  },
  json(field: string, value: string | undefined): unknown {
    if (value === undefined || value === '') return undefined;
    try {
      return JSON.parse(value);
    } catch {
      throw invalid(field, 'is not JSON');
    }
  },
};

/** Drops undefined entries so that contract defaults apply. */
export function defined<T extends Record<string, unknown>>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function badHeader(message: string): PlatformException {
  return new PlatformException(PlatformErrorCode.ValidationFailed, ErrorKind.Invalid, `Invalid header If-Match: ${message}`, { fields: [{ path: 'If-Match', message }] });
}

/**
 * The ETag of an object or link answer: `"<version>.<digest>"`. The version is what a change sends
 * back as If-Match; the digest of the body makes the tag name this representation — what a reader
 * sees of one version depends on their clearance and purpose — so a conditional GET never answers
 * 304 for a body the caller has not got.
 */
export function versionEtag(version: number, body: unknown): string {
  return `"${version}.${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 16)}"`;
}

/** Headers of a read of one object or link: its ETag, and never stored by a cache (classified data). */
export function setReadHeaders(res: { setHeader(name: string, value: string): unknown }, view: { version: number }): void {
  res.setHeader('ETag', versionEtag(view.version, view));
  res.setHeader('Cache-Control', 'no-store');
}

/**
 * The expected version of a change, from `If-Match` (the ETag of a read, `"3.<digest>"`, or just
 * `"3"`, `W/"3"`, `3`) and/or the body's `expectedVersion`: both may be sent if they agree. `*` is refused —
 * a change names the version it was based on.
 */
export function expectedVersionOf(ifMatch: string | undefined, fromBody: unknown): unknown {
  // Without If-Match the body's value goes to the contract as sent (it names a bad one).
  if (ifMatch === undefined || ifMatch.trim() === '') return fromBody;
  const tag = ifMatch.trim();
  if (tag === '*') throw badHeader('"*" is not accepted: send the ETag (version) of the object you read, e.g. If-Match: "3"');
  const m = /^(?:W\/)?"?(\d{1,9})(?:\.[A-Za-z0-9_-]{1,64})?"?$/.exec(tag);
  if (!m || tag.includes(',')) throw badHeader(`"${tag.slice(0, 40)}" is not one version ETag such as "3"`);
  const version = Number(m[1]);
  if (version < 1) throw badHeader('versions start at 1');
  if (fromBody !== undefined && fromBody !== version) throw badHeader(`says version ${version} but the body's expectedVersion says ${JSON.stringify(fromBody)}`);
  return version;
}
