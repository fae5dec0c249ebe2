import { VigieException } from '@vigie/shared-contracts';
import { defined, query } from './ontology-query.util';

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
