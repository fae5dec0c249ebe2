import { domainToASCII } from 'node:url';
import { NormaliseResult, ok, refused } from './normaliser.types';

/** Threat-intelligence feeds "defang" indicators (`evil[.]com`, `hxxp://`); undo it. */
export function refang(raw: string): string {
  return raw
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, '.')
    .replace(/\[:\]/g, ':')
    .replace(/^hxxp(s?):/i, 'http$1:')
    .replace(/^fxp:/i, 'ftp:');
}

function parseIpv4(input: string): number[] | string {
  const parts = input.split('.');
  if (parts.length !== 4) return 'an IPv4 address has four dot-separated numbers';
  const octets: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return `"${p}" is not a number from 0 to 255`;
    if (p.length > 1 && p.startsWith('0')) return `"${p}" has a leading zero (ambiguous: octal or decimal)`;
    const n = Number(p);
    if (n > 255) return `${n} is above 255`;
    octets.push(n);
  }
  return octets;
}

export function normaliseIpv4(raw: string): NormaliseResult {
  const input = refang(raw.trim());
  const parsed = parseIpv4(input);
  return typeof parsed === 'string' ? refused(`"${raw}" is not an IPv4 address: ${parsed}`) : ok(parsed.join('.'));
}

function parseIpv6(input: string): number[] | string {
  let text = input.toLowerCase().replace(/^\[|\]$/g, '');
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  let tail: number[] | undefined;
  if (text.includes('.')) {
    // Embedded IPv4 (`::ffff:192.0.2.1`): parse it as two placeholder groups, then put its value in.
    const lastColon = text.lastIndexOf(':');
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (typeof v4 === 'string') return `embedded IPv4: ${v4}`;
    tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return '"::" may appear only once';
  const toGroups = (s: string): number[] | string => {
    if (s === '') return [];
    const groups: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-f]{1,4}$/.test(g)) return `"${g}" is not a group of 1 to 4 hexadecimal digits`;
      groups.push(parseInt(g, 16));
    }
    return groups;
  };
  const head = toGroups(halves[0]);
  if (typeof head === 'string') return head;
  const after = halves.length === 2 ? toGroups(halves[1]) : [];
  if (typeof after === 'string') return after;
  const explicit = head.length + after.length;
  if (halves.length === 1 && explicit !== 8) return `an IPv6 address has 8 groups, "${input}" has ${explicit}`;
  if (halves.length === 2 && explicit > 7) return 'too many groups around "::"';
  const groups = [...head, ...new Array<number>(8 - explicit).fill(0), ...after];
  if (tail) groups.splice(6, 2, ...tail);
  return groups;
}

/** RFC 5952 text form: lowercase, no leading zeros, the longest run of zero groups as "::". */
function formatIpv6(groups: number[]): string {
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${groups[6] >> 8}.${groups[6] & 255}.${groups[7] >> 8}.${groups[7] & 255}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function normaliseIpv6(raw: string): NormaliseResult {
  const input = refang(raw.trim());
  if (!input.includes(':')) return refused(`"${raw}" is not an IPv6 address: it has no ":"`);
  const parsed = parseIpv6(input);
  return typeof parsed === 'string' ? refused(`"${raw}" is not an IPv6 address: ${parsed}`) : ok(formatIpv6(parsed));
}

/** Either version; the detail says which. */
export function normaliseIp(raw: string): NormaliseResult {
  const input = refang(raw.trim());
  if (input.includes(':')) {
    const v6 = normaliseIpv6(input);
    return v6.ok ? ok(v6.value, 'ipv6') : v6;
  }
  const v4 = normaliseIpv4(input);
  return v4.ok ? ok(v4.value, 'ipv4') : v4;
}

/** Domain names: lowercase, trailing dot dropped, internationalised names in ASCII (punycode). */
export function normaliseDomain(raw: string): NormaliseResult {
  const input = refang(raw.normalize('NFKC').trim()).replace(/\.$/, '');
  if (!input) return refused('domain name is empty');
  if (/[\s/:@]/.test(input)) return refused(`"${raw}" is not a domain name: it contains spaces, "/", ":" or "@"`);
  const ascii = domainToASCII(input.toLowerCase());
  if (!ascii) return refused(`"${raw}" is not a valid (internationalised) domain name`);
  if (ascii.length > 253) return refused(`domain name "${raw}" is longer than 253 characters`);
  const labels = ascii.split('.');
  if (labels.length < 2) return refused(`"${raw}" is not a fully qualified domain name (it needs a dot)`);
  for (const label of labels) {
    if (!/^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(label)) {
      return refused(`label "${label}" of "${raw}" must be 1-63 letters, digits or "-", not starting or ending with "-"`);
    }
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return refused(`"${raw}" looks like an IP address, not a domain name`);
  return ok(ascii);
}

/** URLs (WHATWG parsing): scheme and host lowercased, default port dropped, IDN host in punycode, defanging undone. */
export function normaliseUrl(raw: string): NormaliseResult {
  const input = refang(raw.trim());
  if (!input) return refused('URL is empty');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) return refused(`"${raw}" is not an absolute URL (scheme://host/...)`);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return refused(`"${raw}" is not a valid URL`);
  }
  if (!url.hostname) return refused(`URL "${raw}" has no host`);
  return ok(url.href, url.protocol.replace(/:$/, ''));
}
