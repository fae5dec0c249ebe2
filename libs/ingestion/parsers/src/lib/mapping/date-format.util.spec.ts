import { compileDateFormat, isIsoDate, parseIso } from './date-format.util';

describe('date formats', () => {
  it.each([
    ['DD/MM/YYYY', '29/02/2024', '2024-02-29'],
    ['DD/MM/YYYY', '29/02/2023', null],
    ['DD/MM/YYYY', '1/2/2024', null],
    ['D/M/YYYY', '1/2/2024', '2024-02-01'],
    ['YYYYMMDD', '19840229', '1984-02-29'],
    ['YYYYMMDD', '19841332', null],
    ['YYYY-MM-DD', '2024-12-31', '2024-12-31'],
    ['DD.MM.YY', '05.06.49', '2049-06-05'],
    ['DD.MM.YY', '05.06.50', '1950-06-05'],
    ['DD/MM/YYYY HH:mm', '03/04/2024 17:05', '2024-04-03T17:05:00Z'],
    ['DD/MM/YYYY HH:mm', '03/04/2024 25:05', null],
    ['YYYY-MM-DD[T]HH:mm:ssZ', '2024-04-03T17:05:09+02:00', '2024-04-03T15:05:09Z'],
    ['YYYY-MM-DD HH:mm:ss.SSS', '2024-04-03 17:05:09.5', '2024-04-03T17:05:09.500Z'],
    ['ISO', '2024-04-03', '2024-04-03'],
    ['ISO', '2024-04-03T17:05:09.123456Z', '2024-04-03T17:05:09.123Z'],
    ['ISO', '2024-04-03T17:05', '2024-04-03T17:05:00Z'],
    ['ISO', '03/04/2024', null],
  ])('%s reads %j as %j', (format, text, expected) => {
    expect(compileDateFormat(format)(text)).toBe(expected);
  });

  it.each([
    ['DD/MM', 'needs a year'],
    ['YYYY-MM-DD-DD', 'repeats DD'],
    ['DD/MM/YYYY [h', 'unclosed "["'],
    ['YYYY-MM-DD mm', 'minutes (mm) without hours'],
    ['DD/MM/YYYY at', 'unknown token "a"'],
  ])('refuses the format %j (%s)', (format, message) => {
    expect(() => compileDateFormat(format)).toThrow(message);
  });

  it('checks ISO dates without a regular expression', () => {
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('1900-02-29')).toBe(false);
    expect(isIsoDate('2000-2-29')).toBe(false);
    expect(parseIso('2024-01-01T00:00:00-05:00')).toBe('2024-01-01T05:00:00Z');
  });
});
