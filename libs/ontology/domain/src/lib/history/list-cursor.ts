import { OntologyException, OntologyExceptionCode } from '@vigie/ontology-contracts';

/**
 * Opaque keyset cursors for list requests: the sort key and id of the last item of a page,
 * base64url-encoded JSON. Keyset (not offset) pagination stays correct while rows are added.
 */
export interface ListCursor {
  /** Sort key of the last item (e.g. its `updatedAt`, or a score). */
  key: string | number;
  /** Id of the last item (tie-breaker). */
  id: string;
}

export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.id]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): ListCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !(typeof parsed[0] === 'string' || typeof parsed[0] === 'number') ||
    typeof parsed[1] !== 'string'
  ) {
    throw new OntologyException(OntologyExceptionCode.InvalidCursor, 'The cursor is not one this service issued; start again from the first page');
  }
  return { key: parsed[0], id: parsed[1] };
}
