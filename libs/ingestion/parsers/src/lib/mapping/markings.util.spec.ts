import { IngestionException, IngestionExceptionCode } from '@vigie/ingestion-contracts';
import { ErrorKind } from '@vigie/shared-contracts';
import { clampMarkings, combineMarkings, markingExcess } from './markings.util';

const clearance = { level: 'S' as const, compartments: ['op-saphir', 'tlp-red'] };

describe('clampMarkings', () => {
  it('accepts markings within the clearance, and falls back to the mapping default, then NP', () => {
    expect(clampMarkings({ level: 'DR', compartments: ['op-saphir'] }, clearance)).toEqual({ level: 'DR', compartments: ['op-saphir'] });
    expect(clampMarkings(undefined, clearance, { level: 'S', compartments: [] })).toEqual({ level: 'S', compartments: [] });
    expect(clampMarkings(undefined, clearance)).toEqual({ level: 'NP', compartments: [] });
  });

  it('refuses a level above the clearance, naming it, instead of lowering it', () => {
    let error: unknown;
    try {
      clampMarkings({ level: 'TS', compartments: [] }, clearance);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IngestionException);
    expect(error).toMatchObject({
      code: IngestionExceptionCode.MarkingsAboveClearance,
      kind: ErrorKind.Forbidden,
      message: "The job's markings exceed the uploader's clearance: level TS is above the clearance S",
    });
  });

  it('refuses a compartment the uploader does not hold, naming it', () => {
    expect(() => clampMarkings({ level: 'NP', compartments: ['op-rubis', 'op-saphir', 'op-jade'] }, clearance)).toThrow(
      "The job's markings exceed the uploader's clearance: compartments op-rubis, op-jade are not held",
    );
    expect(() => clampMarkings(undefined, clearance, { level: 'TS', compartments: ['x'] })).toThrow('level TS is above the clearance S; compartment x is not held');
  });

  it('refuses malformed markings', () => {
    expect(() => clampMarkings({ level: 'DR', compartments: ['Bad Name'] }, clearance)).toThrow(expect.objectContaining({ code: IngestionExceptionCode.InvalidMarkings }));
  });
});

describe('combineMarkings / markingExcess', () => {
  it('keeps the higher level and the union of compartments', () => {
    expect(combineMarkings({ level: 'DR', compartments: ['b'] }, { level: 'NP', compartments: ['a', 'b'] })).toEqual({ level: 'DR', compartments: ['a', 'b'] });
    const a = { level: 'S' as const, compartments: [] };
    expect(combineMarkings(a, { level: 'NP', compartments: [] })).toBe(a);
  });

  it('says nothing when the marking fits', () => {
    expect(markingExcess({ level: 'S', compartments: ['tlp-red'] }, clearance)).toBeNull();
  });
});
