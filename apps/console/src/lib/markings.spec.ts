import { combineMarkings, compareLevels, isLevel, markingKey } from './markings';

describe('markings', () => {
  it('combines to the highest level and the union of compartments', () => {
    expect(combineMarkings([{ level: 'DR', compartments: ['cyber'] }, { level: 'S', compartments: ['op-saphir'] }, { level: 'NP', compartments: [] }])).toEqual({ level: 'S', compartments: ['cyber', 'op-saphir'] });
    expect(combineMarkings([])).toEqual({ level: 'NP', compartments: [] });
  });

  it('orders levels NP < DR < S < TS', () => {
    expect(compareLevels('NP', 'DR')).toBeLessThan(0);
    expect(compareLevels('TS', 'S')).toBeGreaterThan(0);
    expect(isLevel('S')).toBe(true);
    expect(isLevel('SECRET')).toBe(false);
  });

  it('renders a stable key', () => {
    expect(markingKey({ level: 'S', compartments: ['op-saphir', 'cyber'] })).toBe('S//OP-SAPHIR/CYBER');
    expect(markingKey({ level: 'NP', compartments: [] })).toBe('NP');
  });
});
