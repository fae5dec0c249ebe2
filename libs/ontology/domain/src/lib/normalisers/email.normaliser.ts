import { normaliseDomain } from './network.normaliser';
import { NormaliseResult, ok, refused } from './normaliser.types';

const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/**
 * E-mail addresses: trimmed, `mailto:` and angle brackets dropped, lowercased (providers treat
 * the local part case-insensitively in practice), IDN domains in ASCII (punycode).
 */
export function normaliseEmail(raw: string): NormaliseResult {
  let input = raw.normalize('NFKC').trim();
  const angle = /<([^>]+)>/.exec(input);
  if (angle) input = angle[1].trim();
  input = input.replace(/^mailto:/i, '').replace(/\[(at|@)\]|\(at\)/gi, '@').replace(/\[\.\]/g, '.');
  if (!input) return refused('e-mail address is empty');
  const at = input.lastIndexOf('@');
  if (at <= 0 || at === input.length - 1) return refused(`"${raw}" is not an e-mail address: it needs one "@" between a local part and a domain`);
  const local = input.slice(0, at).toLowerCase();
  if (local.length > 64) return refused(`the local part of "${raw}" is longer than 64 characters`);
  if (!LOCAL_PART.test(local)) return refused(`the local part "${local}" of "${raw}" has characters not allowed in an e-mail address`);
  const domain = normaliseDomain(input.slice(at + 1));
  if (!domain.ok) return refused(`the domain of "${raw}" is invalid: ${domain.reason}`);
  return ok(`${local}@${domain.value}`);
}
