import { MemoryStore } from './memory-store';
import { PurposeStore, purposeHeader, validatePurpose } from './purpose';

describe('purpose', () => {
  it('validates and trims, naming the bad field', () => {
    expect(validatePurpose({ caseRef: ' C-42 ', justification: ' lead ' })).toEqual({ caseRef: 'C-42', justification: 'lead' });
    expect(() => validatePurpose({ caseRef: '  ', justification: 'x' })).toThrow('caseRef must be 1–200 characters');
    expect(() => validatePurpose({ caseRef: 'C', justification: 'x'.repeat(2001) })).toThrow('justification must be 1–2000 characters');
  });

  it('formats the x-purpose header as the API documents it', () => {
    expect(JSON.parse(purposeHeader({ caseRef: 'C-1', justification: 'why' }))).toEqual({ caseRef: 'C-1', justification: 'why' });
  });

  it('remembers purposes per case, most recent first, and switches between them', () => {
    const store = new MemoryStore();
    const purposes = new PurposeStore(store, 'alpha.user-1');
    expect(purposes.active()).toBeNull();
    purposes.state({ caseRef: 'C-1', justification: 'first' });
    purposes.state({ caseRef: 'C-2', justification: 'second' });
    purposes.state({ caseRef: 'C-1', justification: 'first, again' });
    expect(purposes.cases().map((c) => c.caseRef)).toEqual(['C-1', 'C-2']);
    expect(purposes.active()).toEqual({ caseRef: 'C-1', justification: 'first, again' });
    expect(purposes.activate('C-2')).toBe(true);
    expect(purposes.active()?.caseRef).toBe('C-2');
    expect(purposes.activate('C-9')).toBe(false);
    purposes.clearActive();
    expect(purposes.active()).toBeNull();
  });

  it('keeps users apart and survives a corrupt entry', () => {
    const store = new MemoryStore();
    new PurposeStore(store, 'alpha.user-1').state({ caseRef: 'C-1', justification: 'mine' });
    expect(new PurposeStore(store, 'alpha.user-2').cases()).toEqual([]);
    store.setItem('vigie.purposes.alpha.user-3', '{not json');
    expect(new PurposeStore(store, 'alpha.user-3').cases()).toEqual([]);
  });
});
