import { ErrorKind, PlatformErrorCode, PlatformException } from '@vigie/shared-contracts';
import { Purpose } from './actor';

/**
 * Parses the `x-purpose` header (JSON `{ caseRef, justification }`). Absent → undefined; present
 * but malformed → a 400 naming the problem (a purpose is audited, so it must be exact).
 */
export function parsePurpose(raw: string | undefined): Purpose | undefined {
  if (raw === undefined || raw === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw invalid('is not JSON');
  }
  if (typeof value !== 'object' || value === null) throw invalid('must be a JSON object');
  const { caseRef, justification } = value as Record<string, unknown>;
  if (typeof caseRef !== 'string' || !caseRef.trim() || caseRef.length > 200) throw invalid('caseRef must be a non-empty string of at most 200 characters');
  if (typeof justification !== 'string' || !justification.trim() || justification.length > 2000) {
    throw invalid('justification must be a non-empty string of at most 2000 characters');
  }
  return { caseRef, justification };
}

function invalid(problem: string): PlatformException {
  return new PlatformException(PlatformErrorCode.ValidationFailed, ErrorKind.Invalid, `Header x-purpose ${problem}`, {
    fields: [{ path: 'x-purpose', message: problem }],
  });
}
