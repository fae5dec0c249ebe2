import { VigieException } from '@vigie/shared-contracts';
import { defined, expectedVersionOf, query, setReadHeaders, versionEtag } from './ontology-query.util';

describe('gateway query parameters for ontology contracts', () => {
  it('converts integers, booleans and JSON, leaving absent ones out', () => {
    expect(query.int('limit', '25')).toBe(25);
    expect(query.int('limit', undefined)).toBeUndefined();
    expect(query.bool('includeDeleted', 'true')).toBe(true);
    expect(query.json('filters', '[{"property":"a","op":"exists","value":true}]')).toEqual([{ property: 'a', op: 'exists', value: true }]);
    expect(defined({ a: 1, b: undefined })).toEqual({ a: 1 });
  });

  it('refuses malformed values with a 400 naming the parameter', () => {
    for (const bad of [() => query.int('limit', '2x'), () => query.bool('includeDeleted', 'yes'), () => query.json('filters', '[')]) {
      const error = (() => {
        try {
          bad();
        } catch (e) {
          return e;
        }
        return undefined;
      })() as VigieException;
      expect(error).toBeInstanceOf(VigieException);
      expect(error.kind).toBe('invalid');
      expect((error.details as { fields: { path: string }[] }).fields[0]?.path).toMatch(/limit|includeDeleted|filters/);
    }
  });
});

describe('If-Match on ontology changes', () => {
  const errorOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return e as VigieException;
    }
    throw new Error('expected an error');
  };

  it('takes the version from the ETag form, weak or strong, or from the body, or both when they agree', () => {
    const etag = versionEtag(3, { id: 'a', properties: { fullName: 'x' } });
    expect(etag).toMatch(/^"3\.[A-Za-z0-9_-]{16}"$/);
    expect(expectedVersionOf(etag, undefined)).toBe(3);
    expect(expectedVersionOf(etag, 3)).toBe(3);
    expect(expectedVersionOf('"3"', undefined)).toBe(3);
    expect(expectedVersionOf('W/"12"', undefined)).toBe(12);
    expect(expectedVersionOf('7', 7)).toBe(7);
    expect(expectedVersionOf(undefined, 4)).toBe(4);
    expect(expectedVersionOf('', undefined)).toBeUndefined();
    // Without If-Match a bad body value is left to the contract, which names it.
    expect(expectedVersionOf(undefined, 'x')).toBe('x');
  });

  it('names the representation: what one reader sees of a version is not what another sees', () => {
    expect(versionEtag(3, { properties: { fullName: 'x' } })).toBe(versionEtag(3, { properties: { fullName: 'x' } }));
    expect(versionEtag(3, { properties: { fullName: 'x' } })).not.toBe(versionEtag(3, { properties: { fullName: 'x', occupation: 'y' } }));
    const headers: Record<string, string> = {};
    setReadHeaders({ setHeader: (n: string, v: string) => (headers[n] = v) }, { version: 2 });
    expect(headers).toEqual({ ETag: expect.stringMatching(/^"2\./), 'Cache-Control': 'no-store' });
  });

  it('refuses *, lists, garbage and a disagreement with the body, naming the header', () => {
    for (const [header, body, message] of [
      ['*', undefined, '"*" is not accepted'],
      ['"1", "2"', undefined, 'is not one version ETag'],
      ['"abc"', undefined, 'is not one version ETag'],
      ['"0"', undefined, 'versions start at 1'],
      ['"3"', 2, "body's expectedVersion says 2"],
    ] as const) {
      const error = errorOf(() => expectedVersionOf(header, body));
      expect(error).toBeInstanceOf(VigieException);
      expect([error.kind, error.message]).toEqual(['invalid', expect.stringContaining(message)]);
      expect((error.details as { fields: { path: string }[] }).fields[0]?.path).toBe('If-Match');
    }
  });
});
