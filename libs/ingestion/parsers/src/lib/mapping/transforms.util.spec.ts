import { compileTransform, ValueRejection } from './transforms.util';

const run = (spec: unknown, value: unknown) => compileTransform(spec).transform(value);

describe('transforms', () => {
  it('changes case and spaces, on strings and on each item of a list', () => {
    expect(run('trim', '  a b  ')).toBe('a b');
    expect(run('upper', 'élodie')).toBe('ÉLODIE');
    expect(run('lower', ['ÉA', 'B'])).toEqual(['éa', 'b']);
    expect(run('title', "jean-pierre d'ARC o’neil")).toBe("Jean-Pierre D'Arc O’Neil");
    expect(run('collapse', '  a \t\n b ')).toBe('a b');
  });

  it('splits into a list without empty parts, replaces, maps, prefixes', () => {
    expect(compileTransform({ split: ';' }).producesList).toBe(true);
    expect(run({ split: ';' }, 'a; b;;c ')).toEqual(['a', 'b', 'c']);
    expect(run({ replace: { from: '.', to: '' } }, '06.12.34')).toBe('061234');
    expect(run({ map: { M: 'male' } }, 'M')).toBe('male');
    expect(run({ map: { M: 'male' } }, 'Z')).toBe('Z');
    expect(run({ prefix: '+33' }, '612')).toBe('+33612');
    expect(run({ suffix: '@x.fr' }, '')).toBe('');
  });

  it('parses dates with the first matching format, or returns a rejection naming the formats', () => {
    expect(run({ date: ['DD/MM/YYYY', 'YYYYMMDD'] }, ' 19991231 ')).toBe('1999-12-31');
    const rejected = run({ date: 'DD/MM/YYYY' }, '1999');
    expect(rejected).toBeInstanceOf(ValueRejection);
    expect((rejected as ValueRejection).message).toBe('"1999" is not a date in the format DD/MM/YYYY');
  });

  it.each([
    ['nope', 'unknown transform "nope"'],
    [{ date: '' }, 'date needs a format'],
    [{ split: '' }, 'split needs a separator'],
    [{ replace: 'x' }, 'replace needs { from: "text", to: "text" }'],
    [{ map: [1] }, 'map needs a table of values'],
    [{ trim: true, upper: true }, 'a transform is a name'],
  ])('refuses %j', (spec, message) => {
    expect(() => compileTransform(spec)).toThrow(message);
  });
});
