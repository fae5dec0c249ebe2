import { findObjectType } from '../ontology/ontology-document.validator';
import { loadDefaultOntology } from '../default-ontology/default-ontology.loader';
import { blockingKeys, candidatePairs } from './blocking';
import { compareBirthDates, parsePartialDate } from './date-similarity';
import { DEFAULT_THRESHOLDS, resolve, resolvePrepared } from './entity-resolver';
import { buildNameFrequencies } from './name-frequency';
import { normaliseName } from './name-normaliser';
import { compareNameLists, compareNames, nameListSimilarity } from './name-similarity';
import { leadClass, phoneticKey, phoneticParts } from './phonetic-key';
import { prepareRecord, ResolutionRecord } from './resolution-record';
import { toResolutionRecord } from './resolution-record.mapper';
import { leastNameSimilarity, nameWeight, scorePair, scorePrepared, scoreReaching } from './resolution-scorer';
import { damerauLevenshtein, jaroWinkler, oneEditApart } from './string-similarity';
import { transliterate } from './transliteration';

const { merge, review } = DEFAULT_THRESHOLDS;
const person = (id: string, name: string, more: Partial<ResolutionRecord> = {}): ResolutionRecord => ({ id, names: [name], ...more });
const phone = (value: string) => ({ kind: 'phone', value, strength: 'weak' as const });
const passport = (value: string) => ({ kind: 'passport', value, strength: 'strong' as const });
const tokens = (name: string) => normaliseName(name).tokens.map((t) => t.text);
const similarity = (a: string, b: string) => compareNames(normaliseName(a), normaliseName(b)).similarity;

describe('transliteration and name normalisation', () => {
  it('transliterates Cyrillic (BGN/PCGN) and Arabic to Latin', () => {
    expect(transliterate('Владимир Путин').latin).toBe('Vladimir Putin');
    expect(transliterate('Хрущёв').latin).toBe('Khrushchev');
    expect(transliterate('محمد علي')).toEqual({ latin: 'mhmd ali', vowelless: true });
    expect(transliterate('عبد الله').latin).toBe('abd allah');
  });

  it('folds case, accents, punctuation, titles and particles; keeps order', () => {
    expect(tokens('DUPONT Jean')).toEqual(['dupont', 'jean']);
    expect(tokens('  M. Jean-Pierre  de la Fontaine ')).toEqual(['m', 'jean', 'pierre', 'fontaine']);
    expect(tokens('Mme Hélène LEFÈVRE')).toEqual(['helene', 'lefevre']);
    expect(tokens("Seán O'Brien")).toEqual(['sean', 'obrien']);
    expect(tokens('Straße')).toEqual(['strasse']);
  });

  it('gives spelling and script variants of one name the same phonetic key', () => {
    const keys = (words: string[]) => new Set(words.map((w) => phoneticKey(w)));
    expect(keys(['mohamed', 'muhammad', 'mohammed', 'mohamad'])).toEqual(new Set(['MHMT']));
    expect(phoneticKey('mhmd', true)).toBe('MHMT');
    expect(keys(['khrushchev', 'khrouchtchev'])).toEqual(new Set(['KRSF']));
    expect(keys(['walid', 'oualid'])).toEqual(new Set(['FLT']));
    expect(keys(['youssef', 'yusuf'])).toEqual(new Set(['SF']));
    expect(phoneticKey('dupont')).not.toBe(phoneticKey('durand'));
  });

  it('measures typos with Jaro-Winkler and Damerau-Levenshtein', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(damerauLevenshtein('dupont', 'dupnot')).toBe(1);
    expect(damerauLevenshtein('dupont', 'dupon')).toBe(1);
    expect(damerauLevenshtein('dupont', 'durand')).toBe(3);
    expect(damerauLevenshtein('', 'abc')).toBe(3);
  });

  it('tells one edit apart exactly as the Damerau-Levenshtein distance does', () => {
    expect(oneEditApart('dupont', 'dupnot')).toBe(true);
    expect(oneEditApart('dupont', 'dupon')).toBe(true);
    expect(oneEditApart('upont', 'dupont')).toBe(true);
    expect(oneEditApart('dupont', 'dupont')).toBe(false);
    expect(oneEditApart('dupont', 'dpuont')).toBe(true);
    expect(oneEditApart('dupont', 'durand')).toBe(false);
    // Every pair of short strings over a small alphabet: the same verdict as distance === 1.
    const words = [''];
    for (let len = 1; len <= 4; len++) for (const w of words.filter((x) => x.length === len - 1)) for (const c of 'abc') words.push(w + c);
    let disagreements = 0;
    for (const a of words) for (const b of words) if (oneEditApart(a, b) !== (damerauLevenshtein(a, b) === 1)) disagreements++;
    expect(words.length).toBe(121);
    expect(disagreements).toBe(0);
  });
});

describe('name comparison', () => {
  it('ignores token order, case and script', () => {
    expect(similarity('DUPONT Jean', 'Jean Dupont')).toBe(1);
    expect(similarity('Владимир Путин', 'Vladimir Putin')).toBe(1);
    expect(similarity('محمد علي', 'Mohamed Ali')).toBeGreaterThanOrEqual(0.95);
    expect(similarity('Хрущёв Никита', 'Nikita Khrouchtchev')).toBeGreaterThanOrEqual(0.9);
  });

  it('matches initials, spacing and particle variants', () => {
    expect(similarity('J. Dupont', 'Jean Dupont')).toBeGreaterThanOrEqual(0.9);
    expect(similarity('W. Belyaev', 'Vladimir Belyaev')).toBeGreaterThanOrEqual(0.9);
    expect(similarity('Abd Allah Mansour', 'Abdallah Mansour')).toBe(1);
    expect(similarity('Mohamed Ben Ali', 'Mohamed Benali')).toBe(1);
    expect(similarity('J. D.', 'Jean Dupont')).toBeLessThanOrEqual(0.6);
  });

  it('tolerates a typo but not a different person', () => {
    expect(similarity('Jean Dupnot', 'Jean Dupont')).toBeGreaterThanOrEqual(0.9);
    expect(similarity('Catehrine Adam', 'ADAM Catherine')).toBeGreaterThanOrEqual(0.9);
    expect(similarity('Marie Dupont', 'Jean Dupont')).toBeLessThan(0.8);
    expect(similarity('Jean Martin', 'Paul Durand')).toBeLessThan(0.6);
  });
});

describe('birth dates', () => {
  it('parses full and partial dates in ISO and French order', () => {
    expect(parsePartialDate('1980-03-12')).toEqual({ y: 1980, m: 3, d: 12 });
    expect(parsePartialDate('12/03/1980')).toEqual({ y: 1980, m: 3, d: 12 });
    expect(parsePartialDate('1980')).toEqual({ y: 1980 });
    expect(parsePartialDate('1980-13-01')).toBeUndefined();
    expect(parsePartialDate('yesterday')).toBeUndefined();
  });

  it('classifies exact, swapped, one digit off, year only and different dates', () => {
    const c = (a: string, b: string) => compareBirthDates(parsePartialDate(a), parsePartialDate(b)).category;
    expect(c('1980-03-12', '12/03/1980')).toBe('exact');
    expect(c('1980-03-12', '1980-12-03')).toBe('day-month-swapped');
    expect(c('1980-03-12', '1980-03-13')).toBe('one-digit');
    expect(c('1980-03-12', '1980')).toBe('compatible-partial');
    expect(c('1980-03-12', '1975-06-30')).toBe('different');
    expect(c('1980', '1981')).toBe('different');
    expect(compareBirthDates(undefined, parsePartialDate('1980')).weight).toBe(0);
  });
});

describe('pair scoring — hard cases', () => {
  it('does not merge homonyms with different birth dates', () => {
    const s = scorePair(person('a', 'Jean Dupont', { birthDate: '1980-01-02' }), person('b', 'Jean Dupont', { birthDate: '1975-06-12' }));
    expect(s.score).toBeLessThan(review);
    expect(s.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ feature: 'birthDate', weight: -6 })]));
  });

  it('merges a name across scripts when the birth date agrees', () => {
    expect(scorePair(person('a', 'Владимир Путин', { birthDate: '1952-10-07' }), person('b', 'Vladimir Putin', { birthDate: '1952-10-07' })).score).toBeGreaterThanOrEqual(merge);
    expect(scorePair(person('a', 'محمد علي', { birthDate: '1942-01-17' }), person('b', 'Mohamed Ali', { birthDate: '17/01/1942' })).score).toBeGreaterThanOrEqual(merge);
  });

  it('merges swapped name order with the same birth date, and reviews it without one', () => {
    expect(scorePair(person('a', 'DUPONT Jean', { birthDate: '1980-01-02' }), person('b', 'Jean Dupont', { birthDate: '1980-01-02' })).score).toBeGreaterThanOrEqual(merge);
    const noDate = scorePair(person('a', 'DUPONT Jean'), person('b', 'Jean Dupont'));
    expect(noDate.score).toBeGreaterThanOrEqual(review);
    expect(noDate.score).toBeLessThan(merge);
  });

  it('reviews or merges an initial with the same birth date, merges typos with it', () => {
    expect(scorePair(person('a', 'J. Dupont', { birthDate: '1980-01-02' }), person('b', 'Jean Dupont', { birthDate: '1980-01-02' })).score).toBeGreaterThanOrEqual(review);
    expect(scorePair(person('a', 'Jean Dupnot', { birthDate: '1980-01-02' }), person('b', 'Jean Dupont', { birthDate: '02/01/1980' })).score).toBeGreaterThanOrEqual(merge);
    expect(scorePair(person('a', 'Jean Dupont', { birthDate: '1980-01-02' }), person('b', 'Jean Dupont', { birthDate: '1980-02-01' })).score).toBeGreaterThanOrEqual(merge);
  });

  it('never merges the same name with full birth dates one digit or one day apart: it reviews them', () => {
    // The scenario's doubtful officer: same spelling, same place, birth year typed 1972 → 1977.
    const a = person('a', 'Jean Dupont', { birthDate: '1972-05-14', place: 'Lyon', identifiers: [phone('+33612345678')] });
    const b = person('b', 'Jean Dupont', { birthDate: '14/05/1977', place: 'Lyon', identifiers: [phone('+33612345678')] });
    const s = scorePair(a, b);
    expect(s.reviewOnly).toBe(true);
    expect(s.score).toBeGreaterThanOrEqual(review);
    expect(s.score).toBeLessThan(merge);
    expect(s.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ feature: 'birthDatePolicy', detail: expect.stringMatching(/never merged automatically/) })]));
    const sum = s.reasons.reduce((acc, r) => acc + r.weight, 0);
    expect(s.logOdds).toBeCloseTo(sum, 1);
    // One day off is a different full date too.
    const day = scorePair(person('a', 'Jean Dupont', { birthDate: '1980-03-12' }), person('b', 'Jean Dupont', { birthDate: '1980-03-13' }));
    expect(day.reviewOnly).toBe(true);
    expect(day.score).toBeLessThan(merge);
    // The same date, or one written day/month swapped, still merges.
    expect(scorePair(person('a', 'Jean Dupont', { birthDate: '1972-05-14' }), person('b', 'Jean Dupont', { birthDate: '1972-05-14' })).reviewOnly).toBe(false);
  });

  it('keeps a near-date pair out of merges whatever the thresholds, and out of one cluster through a third record', () => {
    const records = [
      person('a', 'Jean Dupont', { birthDate: '1972-05-14', place: 'Lyon' }),
      person('b', 'Jean Dupont', { birthDate: '1977-05-14', place: 'Lyon' }),
      person('c', 'Jean Dupont', { place: 'Lyon' }),
    ];
    const result = resolve(records, { thresholds: { merge: 0.7, review: 0.6 }, nameFrequencies: false });
    for (const cluster of result.clusters) expect(cluster.memberIds.includes('a') && cluster.memberIds.includes('b')).toBe(false);
    expect(result.reviews.some((p) => [p.a, p.b].sort().join() === 'a,b')).toBe(true);
  });

  it('never merges on the names alone, however rare: it reviews them; any other agreeing evidence may merge', () => {
    // Two of the 5,000,000 generated people that the background resolver merged automatically:
    // rare names with the same phonetic key, nothing else known.
    const a = prepareRecord(person('a', 'Ahmed Mebimoluzepu'));
    const b = prepareRecord(person('b', 'Ahmed Mebimilusopa'));
    const exactA = prepareRecord(person('c', 'Ksenia Vorobyova'));
    const exactB = prepareRecord(person('d', 'Ksenia Vorobyova'));
    const frequencies = buildNameFrequencies([a, b, exactA, exactB]);
    for (const [x, y] of [
      [a, b],
      [exactA, exactB],
    ]) {
      const s = scorePrepared(x, y, frequencies);
      expect(s.reviewOnly).toBe(true);
      expect(s.score).toBeGreaterThanOrEqual(review);
      expect(s.score).toBeLessThan(merge);
      expect(s.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ feature: 'namesOnlyPolicy', detail: expect.stringMatching(/never merged automatically/) })]));
      expect(s.logOdds).toBeCloseTo(s.reasons.reduce((acc, r) => acc + r.weight, 0), 1);
      // The cheaper path gives the same score, and resolve queues the pair for review instead of merging it.
      expect(scoreReaching(x, y, review, frequencies)?.score).toBe(scorePrepared(x, y, frequencies, false).score);
    }
    const result = resolvePrepared([a, b], { thresholds: { merge: 0.7, review: 0.6 }, nameFrequencies: frequencies });
    expect(result.clusters.filter((c) => c.memberIds.length > 1)).toEqual([]);
    expect(result.reviews.map((p) => [p.a, p.b].sort().join())).toEqual(['a,b']);
    // A birth date, a place or an identifier that agrees is corroboration: those pairs still merge.
    const same = (more: Partial<ResolutionRecord>) => scorePrepared(prepareRecord(person('e', 'Ksenia Vorobyova', more)), prepareRecord(person('f', 'Ksenia Vorobyova', more)), frequencies);
    for (const more of [{ birthDate: '1972-05-14' }, { place: 'Omsk' }, { identifiers: [phone('+79131234567')] }]) {
      const s = same(more);
      expect(s.reviewOnly).toBe(false);
      expect(s.score).toBeGreaterThanOrEqual(merge);
    }
  });

  it('does not merge people who only share a phone', () => {
    const a = person('a', 'Jean Dupont', { birthDate: '1950-04-04', identifiers: [phone('+33612345678')] });
    const b = person('b', 'Marie Dupont', { birthDate: '1952-09-09', identifiers: [phone('+33612345678')] });
    const c = person('c', 'Karim Haddad', { identifiers: [phone('+33612345678')] });
    expect(scorePair(a, b).score).toBeLessThan(review);
    expect(scorePair(a, c).score).toBeLessThan(review);
    expect(scorePair(a, b).reasons).toEqual(expect.arrayContaining([expect.objectContaining({ feature: 'identifier:phone', detail: expect.stringMatching(/weak evidence/) })]));
  });

  it('treats a shared passport as strong evidence', () => {
    const s = scorePair(person('a', 'Ivan Petrov', { identifiers: [passport('RU:751234567')] }), person('b', 'Иван Петров', { identifiers: [passport('RU:751234567')] }));
    expect(s.score).toBeGreaterThanOrEqual(merge);
    expect(s.reasons.map((r) => r.feature)).toContain('identifier:passport');
  });

  it('refuses people of different genders and explains every weight', () => {
    const s = scorePair(person('a', 'Camille Martin', { birthDate: '1990-01-01', gender: 'female' }), person('b', 'Camille Martin', { birthDate: '1990-01-01', gender: 'male' }));
    expect(s.score).toBeLessThan(merge);
    const sum = s.reasons.reduce((acc, r) => acc + r.weight, 0);
    expect(s.logOdds).toBeCloseTo(sum, 1);
    expect(s.score).toBeCloseTo(1 / (1 + Math.exp(-sum)), 2);
  });

  it('weighs a common name less than a rare one when frequencies are known', () => {
    const common = Array.from({ length: 60 }, (_, i) => prepareRecord(person(`m${i}`, 'Mohamed Ben Ali')));
    const frequencies = buildNameFrequencies([...common, prepareRecord(person('k', 'Ksenia Vorobyova'))]);
    const a = prepareRecord(person('x', 'Mohamed Ben Ali', { place: 'Tunis' }));
    const b = prepareRecord(person('y', 'Mohamed Benali', { place: 'Tunis' }));
    const rareA = prepareRecord(person('x2', 'Ksenia Vorobyova', { place: 'Omsk' }));
    const rareB = prepareRecord(person('y2', 'Ксения Воробьёва', { place: 'Omsk' }));
    expect(scorePrepared(a, b, frequencies).score).toBeLessThan(scorePrepared(a, b).score);
    expect(scorePrepared(rareA, rareB, frequencies).score).toBeGreaterThan(scorePrepared(a, b, frequencies).score);
  });
});

describe('blocking and resolve', () => {
  it('blocks on identifiers and on order-insensitive name keys', () => {
    const keys = blockingKeys(prepareRecord(person('a', 'Jean Dupont', { identifiers: [phone('+33612345678')] })));
    const swapped = new Set(blockingKeys(prepareRecord(person('b', 'DUPONT Jean'))));
    const initial = new Set(blockingKeys(prepareRecord(person('c', 'J. Dupont'))));
    expect(keys).toContain('id:phone:+33612345678');
    expect(keys.some((k) => swapped.has(k))).toBe(true);
    expect(keys.some((k) => initial.has(k))).toBe(true);
  });

  it('keeps candidate pairs far below n(n-1)/2', () => {
    const given = ['Jean', 'Marie', 'Pierre', 'Sophie', 'Karim', 'Fatima', 'Ivan', 'Olga', 'John', 'Mary', 'Luc', 'Anne', 'Omar', 'Leila', 'Igor', 'Emma'];
    const family = ['Martin', 'Bernard', 'Dubois', 'Haddad', 'Mansour', 'Ivanov', 'Petrov', 'Smith', 'Brown', 'Durand', 'Leroy', 'Moreau', 'Khalil', 'Orlov', 'Taylor', 'Garcia', 'Roux', 'Fabre', 'Blanc', 'Noel', 'Cherif', 'Popov', 'Wilson', 'Clark', 'Adam'];
    const records = given.flatMap((g, i) => family.map((f, j) => prepareRecord(person(`${i}-${j}`, `${g} ${f}`, { birthDate: `${1950 + ((i * 7 + j) % 50)}-01-01` }))));
    const { stats } = candidatePairs(records);
    expect(records.length).toBe(400);
    expect(stats.totalPairs).toBe(79800);
    expect(stats.reductionRatio).toBeGreaterThan(0.95);
  });

  it('clusters duplicates, leaves homonyms and phone-sharers apart, and queues the middle band', () => {
    const records: ResolutionRecord[] = [
      person('putin-cyr', 'Владимир Путин', { birthDate: '1952-10-07' }),
      person('putin-lat', 'PUTIN Vladimir', { birthDate: '07/10/1952' }),
      person('dupont-1980', 'Jean Dupont', { birthDate: '1980-01-02', identifiers: [phone('+33612345678')] }),
      person('dupont-1980-typo', 'Jean Dupnot', { birthDate: '1980-01-02' }),
      person('dupont-1975', 'Jean Dupont', { birthDate: '1975-06-12' }),
      person('marie', 'Marie Dupont', { birthDate: '1982-03-03', identifiers: [phone('+33612345678')] }),
      person('ali-ar', 'محمد علي', { birthDate: '1942-01-17' }),
      person('ali-lat', 'Mohamed Ali', { birthDate: '1942-01-17' }),
      person('nodate', 'Vladimir Putin'),
    ];
    const result = resolve(records);
    const clusterOf = (id: string) => result.clusters.find((c) => c.memberIds.includes(id));
    expect(clusterOf('putin-cyr')?.memberIds).toEqual(expect.arrayContaining(['putin-lat']));
    expect(clusterOf('dupont-1980')?.memberIds.sort()).toEqual(['dupont-1980', 'dupont-1980-typo']);
    expect(clusterOf('dupont-1975')).toBeUndefined();
    expect(clusterOf('marie')).toBeUndefined();
    expect(clusterOf('ali-ar')?.memberIds.sort()).toEqual(['ali-ar', 'ali-lat']);
    expect(result.reviews.some((r) => [r.a, r.b].includes('nodate'))).toBe(true);
    for (const c of result.clusters) {
      expect(c.edges.length).toBe(c.memberIds.length - 1);
      for (const e of c.edges) expect(e.score).toBeGreaterThanOrEqual(merge);
    }
    expect(result.stats.records).toBe(9);
    expect(result.stats.candidatePairs).toBeLessThan(result.stats.totalPairs);
  });

  it('does not let a chain of merges join contradicting records', () => {
    const result = resolve([
      person('a', 'Jean Dupont', { birthDate: '1980-01-02', identifiers: [{ kind: 'email', value: 'jd@x.fr', strength: 'weak' }] }),
      person('b', 'Jean Dupont', { identifiers: [{ kind: 'email', value: 'jd@x.fr', strength: 'weak' }, passport('FR:12AB34567')] }),
      person('c', 'Jean Dupont', { birthDate: '1975-06-12', identifiers: [passport('FR:12AB34567')] }),
    ]);
    expect(result.clusters.every((cl) => !(cl.memberIds.includes('a') && cl.memberIds.includes('c')))).toBe(true);
    expect(result.stats.blockedByConflict).toBe(1);
    expect(result.reviews.length).toBeGreaterThanOrEqual(1);
  });

  it('with anchors, scores only the pairs holding one: stored candidates are not compared again', () => {
    const stored = ['a', 'b', 'c', 'd'].map((k) => person(k, 'Jean Dupont', { birthDate: '1980-01-02' }));
    const fresh = person('new', 'Jean Dupont', { birthDate: '1980-01-02' });
    const all = resolve([...stored, fresh]);
    const anchored = resolve([...stored, fresh], { anchorIds: new Set(['new']) });
    expect(all.stats.comparisons).toBe(10);
    expect(anchored.stats.comparisons).toBe(4);
    // The new record joins them all through its own pairs; no cluster or review without it.
    expect(anchored.clusters.map((c) => c.memberIds.sort())).toEqual([['a', 'b', 'c', 'd', 'new']]);
    for (const c of anchored.clusters) for (const e of c.edges) expect([e.a, e.b]).toContain('new');
    expect(anchored.reviews.every((r) => r.a === 'new' || r.b === 'new')).toBe(true);
  });

  it('compares every pair when asked (baseline) and checks its thresholds', () => {
    const records = [person('a', 'Jean Dupont'), person('b', 'Paul Durand'), person('c', 'Anne Roux')];
    expect(resolve(records, { exhaustive: true }).stats.comparisons).toBe(3);
    expect(() => resolve(records, { thresholds: { merge: 0.5, review: 0.8 } })).toThrow(RangeError);
  });
});

describe('cheaper scoring, same decisions', () => {
  // Pairs of every kind the bound must judge: same/near/different dates, places, genders, identifiers, names.
  const records: ResolutionRecord[] = [
    person('a', 'Jean Dupont', { birthDate: '1980-01-02', place: 'Lyon', gender: 'male', identifiers: [phone('+33612345678')] }),
    person('b', 'DUPONT Jean', { birthDate: '1980-01-02', place: 'Lyon' }),
    person('c', 'Jean Dupnot', { birthDate: '1980-01-03', place: 'Paris' }),
    person('d', 'J. Dupont', { birthDate: '1975-06-12', gender: 'female' }),
    person('e', 'Jean Dupont'),
    person('f', 'Paul Durand', { birthDate: '1980-01-02', identifiers: [passport('FR:12AB34567')] }),
    person('g', 'Pol Durant', { identifiers: [passport('FR:12AB34567'), phone('+33612345678')] }),
    person('h', 'Владимир Путин', { birthDate: '1952-10-07' }),
    person('i', 'Vladimir Poutine', { birthDate: '1952' }),
    person('j', 'Marie Dupont', { birthDate: '1980-02', place: 'Lyon', identifiers: [phone('+33612345678')] }),
  ];
  const prepared = records.map(prepareRecord);

  it('drops a pair before comparing its names only when it cannot reach the score asked', () => {
    let dropped = 0;
    for (const minScore of [0.05, 0.3, review, merge, 0.99]) {
      for (let i = 0; i < prepared.length; i++) {
        for (let j = 0; j < prepared.length; j++) {
          if (i === j) continue;
          const full = scorePrepared(prepared[i], prepared[j], undefined, false);
          const reached = scoreReaching(prepared[i], prepared[j], minScore);
          if (reached) expect(reached).toEqual(full);
          else {
            dropped++;
            expect(full.score).toBeLessThan(minScore);
          }
        }
      }
    }
    // The bound does drop pairs (different birth dates, genders …), not only keep them.
    expect(dropped).toBeGreaterThan(50);
  });

  it('gives, without explanation, exactly the similarity the explained comparison gives', () => {
    const names = [
      'Jean Dupont', 'DUPONT Jean', 'Jean Dupnot', 'J. Dupont', 'Jean-Pierre Lefèvre', 'J. P. Lefevre', 'Pierre Jean', 'Dupont',
      'Ben Ali', 'Benali', 'Abd Allah Haddad', 'Abdallah Haddad', 'محمد علي', 'Mohamed Ali', 'Владимир Путин', 'Vladimir Putin',
      'Jean Kabomilusa', 'Jean Kebomilusa', 'Jean Dobamupubulo', 'Sophie Dobamupubulo', 'Marie Claire Anne Dupont', 'Anne Marie Dupont',
      'Le Gall Yann', 'Yann Legall', 'Ould Mohamed Salem', 'Jo', 'J', 'Jon Doe', 'John Do', 'Mary Jones Smith Brown',
    ].map(normaliseName);
    let differing = 0;
    for (const a of names) {
      for (const b of names) {
        const explained = compareNames(a, b, true).similarity;
        expect(compareNames(a, b, false).similarity).toBe(explained);
        if (explained < 1) differing++;
      }
    }
    expect(differing).toBeGreaterThan(500);
    expect(nameListSimilarity(names.slice(0, 3), names.slice(3, 9))).toBe(compareNameLists(names.slice(0, 3), names.slice(3, 9)).similarity);
    expect(nameListSimilarity([], names)).toBe(0);
  });

  it('asks of names no less similarity than they need: below it, the name evidence cannot reach the log-odds asked', () => {
    const round = (x: number) => Math.round(x * 100) / 100;
    let cut = 0;
    for (const withFrequencies of [false, true]) {
      for (let need = -9; need <= 8; need += 0.37) {
        const least = leastNameSimilarity(need, withFrequencies);
        for (let k = 0; k <= 1000; k++) {
          const s = k / 1000;
          const evidence = round(nameWeight(s)) + (withFrequencies && s >= 0.9 ? 1.5 : 0);
          if (s < least) {
            cut++;
            expect(evidence).toBeLessThan(need);
          }
        }
        if (need <= 5.8) expect(least).toBeLessThanOrEqual(1);
      }
    }
    expect(leastNameSimilarity(8, false)).toBe(Infinity);
    expect(cut).toBeGreaterThan(10_000);
  });

  it('resolves prepared records exactly as it resolves the records', () => {
    const fromRecords = resolve(records, { thresholds: { merge: 0.9, review: 0.3 } });
    const fromPrepared = resolvePrepared(records.map(prepareRecord), { thresholds: { merge: 0.9, review: 0.3 } });
    expect(fromPrepared.clusters).toEqual(fromRecords.clusters);
    expect(fromPrepared.reviews).toEqual(fromRecords.reviews);
    expect(fromPrepared.clusters.length + fromPrepared.reviews.length).toBeGreaterThan(0);
    expect(() => resolvePrepared(prepared, { thresholds: { merge: 0.5, review: 0.8 } })).toThrow(RangeError);
  });

  it('computes the blocking keys of a prepared record once, and single-letter leads as for any token', () => {
    const r = prepareRecord(person('k', 'Jean Dupont', { identifiers: [phone('+33612345678')] }));
    const keys = blockingKeys(r);
    expect(blockingKeys(r)).toBe(keys);
    expect([...keys].sort()).toEqual([...blockingKeys(prepareRecord(person('k', 'Jean Dupont', { identifiers: [phone('+33612345678')] })))].sort());
    expect(keys).toContain('id:phone:+33612345678');
    for (const letter of 'abcdefghijklmnopqrstuvwxyz') {
      expect(leadClass(letter)).toBe(leadClass(letter));
      expect(leadClass(letter)).toBe(phoneticKey(letter)[0] ?? 'A');
    }
    expect(leadClass('c')).toBe('K');
    expect(leadClass('a')).toBe('A');
    for (const word of ['mhmd', 'ahmed', 'houari', 'oualid', 'serguei', 'charles', 'x', 'h', 'ai', 'khrushchev', 'tsvetaeva', 'ch']) {
      for (const vowelless of [false, true]) expect(phoneticParts(word, vowelless)).toEqual({ key: phoneticKey(word, vowelless), lead: leadClass(word) });
    }
  });
});

describe('toResolutionRecord', () => {
  it('reads names, dates, place, gender and identity keys through the type', () => {
    const type = findObjectType(loadDefaultOntology(), 'Person');
    const rec = toResolutionRecord(type, 'p1', {
      fullName: 'Jean Dupont', aliases: ['JD'], birthDate: '1980-01-02', birthPlace: 'Lyon', gender: 'male',
      passportNumbers: ['FR:12AB34567'], phones: ['+33612345678'],
    });
    expect(rec).toEqual({
      id: 'p1', names: ['Jean Dupont', 'JD'], birthDate: '1980-01-02', place: 'Lyon', gender: 'male',
      identifiers: [{ kind: 'passport', value: 'FR:12AB34567', strength: 'strong' }, { kind: 'phone', value: '+33612345678', strength: 'weak' }],
    });
    expect(toResolutionRecord(findObjectType(loadDefaultOntology(), 'Location'), 'l1', { name: 'Lyon' })).toBeUndefined();
  });
});
