import { isAscii, isUtf8 } from 'buffer';

/** Text encodings the parsers read. `windows-1252` is a superset of ISO-8859-1's printable range. */
export type TextEncoding = 'utf8' | 'windows-1252' | 'latin1';

/** How the encoding was chosen, for the job's report. */
export interface EncodingDetection {
  readonly encoding: TextEncoding;
  /** A UTF-8 byte order mark was present (and skipped). */
  readonly bom: boolean;
  /**
   * `bom`, `valid-utf8` (the sample holds non-ASCII UTF-8), `ascii` (the sample is pure ASCII: UTF-8
   * is assumed until a byte says otherwise), `invalid-utf8` (the sample is not UTF-8 ⇒ Windows-1252),
   * or `forced` (given by the caller).
   */
  readonly evidence: 'bom' | 'valid-utf8' | 'ascii' | 'invalid-utf8' | 'forced';
}

export type EncodingSniff =
  | { readonly ok: true; readonly detection: EncodingDetection; readonly skip: number }
  | { readonly ok: false; readonly binaryAt?: number; readonly reason: string };

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * Looks at the first bytes of a file: a NUL byte means binary; a UTF-16/32 byte order mark is
 * refused by name; a UTF-8 BOM decides UTF-8; otherwise the sample decides — valid UTF-8 (allowing
 * a sequence cut by the sample's end) ⇒ UTF-8, else Windows-1252.
 */
export function sniffEncoding(sample: Buffer, ended: boolean, forced?: TextEncoding): EncodingSniff {
  if (sample.length >= 2 && ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff))) {
    return { ok: false, reason: 'UTF-16/UTF-32 encoded file (byte order mark at offset 0) is not supported: save it as UTF-8' };
  }
  const nul = sample.indexOf(0);
  if (nul !== -1) return { ok: false, binaryAt: nul, reason: `binary file: NUL byte at offset ${nul}` };
  const bom = sample.length >= 3 && sample[0] === UTF8_BOM[0] && sample[1] === UTF8_BOM[1] && sample[2] === UTF8_BOM[2];
  const skip = bom ? 3 : 0;
  if (forced) return { ok: true, skip: forced === 'utf8' ? skip : 0, detection: { encoding: forced, bom: bom && forced === 'utf8', evidence: 'forced' } };
  if (bom) return { ok: true, skip, detection: { encoding: 'utf8', bom: true, evidence: 'bom' } };
  if (isAscii(sample)) return { ok: true, skip, detection: { encoding: 'utf8', bom: false, evidence: 'ascii' } };
  if (isUtf8Prefix(sample, ended)) return { ok: true, skip, detection: { encoding: 'utf8', bom: false, evidence: 'valid-utf8' } };
  return { ok: true, skip, detection: { encoding: 'windows-1252', bom: false, evidence: 'invalid-utf8' } };
}

/** Valid UTF-8, allowing the last (up to 3) bytes to be the start of a sequence cut by the sample's end. */
export function isUtf8Prefix(sample: Buffer, ended: boolean): boolean {
  if (isUtf8(sample)) return true;
  if (ended) return false;
  for (let cut = 1; cut <= 3 && cut < sample.length; cut++) {
    const lead = sample[sample.length - cut];
    if (lead >= 0xc0) return isUtf8(sample.subarray(0, sample.length - cut));
    if (lead < 0x80) return false;
  }
  return false;
}

export { isAscii, isUtf8 };

/** Windows-1252 characters for bytes 0x80–0x9F (the rest is ISO-8859-1); undefined bytes keep their C1 code point, as WHATWG decoders do. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
].map((code) => String.fromCharCode(code));
const C1_RANGE = /[\x80-\x9f]/g;
const c1ToCp1252 = (c: string): string => CP1252_HIGH[c.charCodeAt(0) - 0x80];

/** Decodes `buffer[start, end)` in one of the supported encodings. */
export function decodeBytes(buffer: Buffer, encoding: TextEncoding, start: number, end: number): string {
  if (encoding === 'utf8') return buffer.toString('utf8', start, end);
  const text = buffer.toString('latin1', start, end);
  if (encoding === 'latin1') return text;
  return text.replace(C1_RANGE, c1ToCp1252);
}
