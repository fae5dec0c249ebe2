import { csvHeaderColumns, formatDuration, formatFromFileName, isTerminal, progressPercent } from './ingestion-progress';

describe('ingestion progress', () => {
  it('computes the bar from bytes, full once completed, unknown without a size', () => {
    expect(progressPercent('running', 250, 1000)).toBe(25);
    expect(progressPercent('running', 999, 1000)).toBe(99);
    expect(progressPercent('running', 2000, 1000)).toBe(100);
    expect(progressPercent('completed', 10, 1000)).toBe(100);
    expect(progressPercent('pending', 0, null)).toBeNull();
    expect(progressPercent('running', 5, 0)).toBeNull();
  });

  it('formats ETAs', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(formatDuration(-3)).toBe('0 s');
  });

  it('knows terminal statuses', () => {
    expect(isTerminal('completed')).toBe(true);
    expect(isTerminal('cancelled')).toBe(true);
    expect(isTerminal('running')).toBe(false);
  });

  it('reads CSV header columns with quotes, BOM and other delimiters', () => {
    expect(csvHeaderColumns('id,first_name,last_name\n1,a,b')).toEqual(['id', 'first_name', 'last_name']);
    expect(csvHeaderColumns('\uFEFF"a;b";c;"d ""x"""\r\n')).toEqual(['a;b', 'c', 'd "x"']);
    expect(csvHeaderColumns('a\tb')).toEqual(['a', 'b']);
    expect(csvHeaderColumns('')).toEqual([]);
  });

  it('guesses the format from the file name like the gateway', () => {
    expect(formatFromFileName('people.CSV')).toBe('csv');
    expect(formatFromFileName('x.jsonl')).toBe('ndjson');
    expect(formatFromFileName('bundle.json')).toBe('json');
    expect(formatFromFileName('bundle.stix')).toBeNull();
  });
});
