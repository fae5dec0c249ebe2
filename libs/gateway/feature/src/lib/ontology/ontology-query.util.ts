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
