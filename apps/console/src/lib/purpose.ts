import { ConsoleException, ConsoleExceptionCode } from './console.exception';
import { KeyValueStore } from './oidc-client';

/** A stated purpose: the case it is for and why (sent as the `x-purpose` header, audited). */
export interface Purpose {
  caseRef: string;
  justification: string;
}

/** Validates a purpose as the API does (case reference 1–200, justification 1–2000 characters, trimmed). */
export function validatePurpose(input: { caseRef: string; justification: string }): Purpose {
  const caseRef = input.caseRef.trim();
  const justification = input.justification.trim();
  if (caseRef.length < 1 || caseRef.length > 200) throw new ConsoleException(ConsoleExceptionCode.PURPOSE_INVALID, 'caseRef must be 1–200 characters');
  if (justification.length < 1 || justification.length > 2000) throw new ConsoleException(ConsoleExceptionCode.PURPOSE_INVALID, 'justification must be 1–2000 characters');
  return { caseRef, justification };
}

/** The `x-purpose` header value. */
export function purposeHeader(purpose: Purpose): string {
  return JSON.stringify({ caseRef: purpose.caseRef, justification: purpose.justification });
}

const KEY = 'vigie.purposes';
const MAX_CASES = 20;

interface Stored {
  active: string | null;
  cases: Purpose[];
}

/**
 * Purposes remembered per case (most recent first) and the active one, kept in storage under
 * the user's realm and subject, so another user of the same browser does not inherit them.
 */
export class PurposeStore {
  constructor(
    private readonly store: KeyValueStore,
    private readonly scope: string,
  ) {}

  private get key(): string {
    return `${KEY}.${this.scope}`;
  }

  private read(): Stored {
    try {
      const doc = JSON.parse(this.store.getItem(this.key) ?? 'null') as Stored | null;
      if (doc && Array.isArray(doc.cases)) return { active: typeof doc.active === 'string' ? doc.active : null, cases: doc.cases.filter((c) => typeof c?.caseRef === 'string' && typeof c?.justification === 'string') };
    } catch {
      // A corrupt entry is ignored; the user states the purpose again.
    }
    return { active: null, cases: [] };
  }

  private write(doc: Stored): void {
    this.store.setItem(this.key, JSON.stringify(doc));
  }

  /** The purpose to send, or null when none is active. */
  active(): Purpose | null {
    const doc = this.read();
    return doc.cases.find((c) => c.caseRef === doc.active) ?? null;
  }

  /** Cases already stated, most recent first. */
  cases(): Purpose[] {
    return this.read().cases;
  }

  /** Remembers a purpose for its case and makes it active. */
  state(input: Purpose): Purpose {
    const purpose = validatePurpose(input);
    const doc = this.read();
    const cases = [purpose, ...doc.cases.filter((c) => c.caseRef !== purpose.caseRef)].slice(0, MAX_CASES);
    this.write({ active: purpose.caseRef, cases });
    return purpose;
  }

  /** Switches to an already stated case; false when it is unknown. */
  activate(caseRef: string): boolean {
    const doc = this.read();
    if (!doc.cases.some((c) => c.caseRef === caseRef)) return false;
    this.write({ ...doc, active: caseRef });
    return true;
  }

  clearActive(): void {
    this.write({ ...this.read(), active: null });
  }
}
