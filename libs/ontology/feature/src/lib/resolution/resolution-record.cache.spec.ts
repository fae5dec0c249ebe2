import { ObjectType } from '@vigie/ontology-contracts';
import { findObjectType, loadDefaultOntology, ResolutionRecord } from '@vigie/ontology-domain';
import { ResolutionRecordCache } from './resolution-record.cache';

const record = (id: string, name: string): ResolutionRecord => ({ id, names: [name], identifiers: [] });

describe('ResolutionRecordCache', () => {
  const person: ObjectType = findObjectType(loadDefaultOntology(), 'Person');

  it('serves a record only for the state it was read from: same content hash, same type object', () => {
    const cache = new ResolutionRecordCache(10);
    const entry = cache.set('o1', 'hash-1', person, record('o1', 'Jean Dupont'));
    expect(cache.get('o1', 'hash-1', person)).toBe(entry);
    expect(cache.get('o1', 'hash-2', person)).toBeUndefined();
    // A new ontology document gives new type objects: an entry read through the old one is not used.
    expect(cache.get('o1', 'hash-1', { ...person })).toBeUndefined();
    expect(cache.get('o2', 'hash-1', person)).toBeUndefined();
    // A changed record replaces its entry.
    cache.set('o1', 'hash-2', person, record('o1', 'Jean Dupond'));
    expect(cache.get('o1', 'hash-1', person)).toBeUndefined();
    expect(cache.get('o1', 'hash-2', person)?.record?.names).toEqual(['Jean Dupond']);
    expect(cache.size).toBe(1);
  });

  it('keeps at most its limit, in two generations: recently used entries stay, the others go', () => {
    const cache = new ResolutionRecordCache(4); // generations of 2
    for (const id of ['a', 'b']) cache.set(id, `h-${id}`, person, record(id, 'Jean Dupont'));
    cache.set('c', 'h-c', person, record('c', 'Jean Dupont')); // a, b become the old generation
    expect(cache.get('a', 'h-a', person)).toBeDefined(); // a is used: back in the current one (c, a)
    cache.set('d', 'h-d', person, record('d', 'Jean Dupont')); // c, a become old; b is dropped
    expect(cache.get('b', 'h-b', person)).toBeUndefined();
    for (const id of ['a', 'c', 'd']) expect(cache.get(id, `h-${id}`, person)).toBeDefined();
    expect(cache.size).toBeLessThanOrEqual(4);
    for (let i = 0; i < 100; i++) cache.set(`x${i}`, 'h', person, record(`x${i}`, 'Jean Dupont'));
    expect(cache.size).toBeLessThanOrEqual(4);
    expect(cache.get('x99', 'h', person)).toBeDefined();
  });

  it('refuses a limit below two or not an integer, naming it', () => {
    expect(() => new ResolutionRecordCache(1)).toThrow('the resolution record cache limit must be an integer of at least 2, got 1');
    expect(() => new ResolutionRecordCache(2.5)).toThrow(RangeError);
  });
});
