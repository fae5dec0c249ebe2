import { AuditException, AuditExceptionCode } from '@vigie/audit-contracts';
import { canonicalBytes, canonicalize, toCanonicalJson } from './canonical-json.util';

function fromIeee754(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('canonicalize (RFC 8785)', () => {
  it('serialises the RFC 8785 §3.2.2 example', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        '"literals":[null,true,false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('produces the UTF-8 bytes of the RFC 8785 §3.2.4 example', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    const hex = canonicalBytes(input).toString('hex');
    expect(hex).toBe(
      '7b226c69746572616c73223a5b6e756c6c2c747275652c66616c73655d2c226e756d62657273223a5b3333333333333333' +
        '332e333333333333332c31652b33302c342e352c302e3030322c31652d32375d2c22737472696e67223a22e282ac245c' +
        '75303030665c6e4127425c225c5c5c5c5c222f227d',
    );
  });

  it('sorts members by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // (Object.keys would list the integer-like "1" first; read the names from the text instead.)
    const keys = [...canonicalize(input).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]}"`));
    expect(keys).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  // RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical form.
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the number %s as %s', (hex, expected) => {
    expect(canonicalize(fromIeee754(hex))).toBe(expected);
  });

  it.each([
    ['7fffffffffffffff', 'NaN'],
    ['7ff0000000000000', 'Infinity'],
  ])('refuses %s (%s)', (hex) => {
    expect(() => canonicalize({ n: fromIeee754(hex) })).toThrow(/Cannot canonicalize \$\.n/);
  });

  it('escapes control characters in lowercase hex and leaves the rest as is', () => {
    expect(canonicalize('\u0000\u001f\u007f\b\f\n\r\t"\\/é')).toBe('"\\u0000\\u001f\u007f\\b\\f\\n\\r\\t\\"\\\\/é"');
  });

  it('keeps array order and nests', () => {
    expect(canonicalize({ b: [3, { z: 1, a: [true, null] }], a: 'x' })).toBe('{"a":"x","b":[3,{"a":[true,null],"z":1}]}');
  });

  it('omits undefined members, as a JSON round trip does', () => {
    expect(canonicalize({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(toCanonicalJson({ a: -0, b: undefined })).toEqual({ a: 0 });
  });

  it.each([
    ['a lone surrogate', { s: 'a\ud800b' }, '$.s', /lone UTF-16 surrogate/],
    ['a lone surrogate in a key', { ['\udc00']: 1 }, '$.\udc00', /lone UTF-16 surrogate/],
    ['a Date', { at: new Date(0) }, '$.at', /Date object is not JSON/],
    ['a bigint', { n: BigInt(1) }, '$.n', /bigint is not JSON/],
    ['a function', { f: () => 1 }, '$.f', /function is not JSON/],
    ['undefined in an array', { a: [1, undefined] }, '$.a[1]', /undefined is not JSON/],
    ['a Map', { m: new Map() }, '$.m', /Map object/],
  ])('refuses %s, naming where', (_what, value, path, message) => {
    let error: unknown;
    try {
      canonicalize(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AuditException);
    expect((error as AuditException).code).toBe(AuditExceptionCode.NotCanonicalizable);
    expect((error as AuditException).details).toEqual({ path });
    expect((error as Error).message).toMatch(message);
  });

  it('refuses a cycle but accepts a shared (acyclic) value twice', () => {
    const shared = { x: 1 };
    expect(canonicalize({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => canonicalize(cyclic)).toThrow(/cyclic/);
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare['k'] = 'v';
    expect(canonicalize(bare)).toBe('{"k":"v"}');
  });
});
