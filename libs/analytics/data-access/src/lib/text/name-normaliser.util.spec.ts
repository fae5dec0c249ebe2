import { boundedLevenshtein, nameSkeleton, nameSkeletons, normaliseName, transliterate } from './name-normaliser.util';
import { highlight, highlightTerms } from './highlight.util';

describe('name normalisation', () => {
  it('transliterates Cyrillic and Arabic script to Latin', () => {
    expect(transliterate('Сергей Иванов')).toBe('Sergey Ivanov');
    expect(normaliseName('Сергей Иванов')).toBe('sergey ivanov');
    expect(normaliseName('محمد علي')).toBe('mhmd aly');
    expect(normaliseName('مُحَمَّد')).toBe('mhmd');
  });

  it('strips accents, case and punctuation', () => {
    expect(normaliseName("  Hélène  d'ARC-Dupont ")).toBe('helene d arc dupont');
    expect(normaliseName('Łukasz Żółć')).toBe('lukasz zolc');
  });

  it('gives Latin and Arabic spellings of a name the same consonant skeleton', () => {
    for (const spelling of ['Mohamed', 'Mohammed', 'Muhammad', 'Mohammad']) expect(nameSkeleton(normaliseName(spelling))).toBe('mhmd');
    expect(nameSkeleton(normaliseName('محمد'))).toBe('mhmd');
    expect(nameSkeleton(normaliseName('Hussein'))).toBe(nameSkeleton(normaliseName('حسين')));
    expect(nameSkeletons('Sergei Ivanov')).toEqual(nameSkeletons('Сергей Иванов'));
  });

  it('drops skeletons too short to be evidence', () => {
    expect(nameSkeleton('ali')).toBe('');
    expect(nameSkeleton('2024')).toBe('2024');
  });

  it('bounds the Levenshtein distance', () => {
    expect(boundedLevenshtein('dupont', 'dupnot', 2)).toBe(2);
    expect(boundedLevenshtein('dupont', 'dupond', 1)).toBe(1);
    expect(boundedLevenshtein('dupont', 'martin', 2)).toBe(3);
  });
});

describe('highlight', () => {
  it('marks matching words (typos, accents, scripts) and escapes the rest', () => {
    expect(highlight('Jean-Pierre <Dupont>', highlightTerms('dupnot'))).toBe('Jean-Pierre &lt;<mark>Dupont</mark>&gt;');
    expect(highlight('Hélène Lefèvre', highlightTerms('helene'))).toBe('<mark>Hélène</mark> Lefèvre');
    expect(highlight('محمد علي', highlightTerms('Mohamed'))).toBe('<mark>محمد</mark> علي');
  });

  it('returns null when nothing matches and windows long texts around the first match', () => {
    expect(highlight('nothing here', highlightTerms('dupont'))).toBeNull();
    const long = `${'lorem ipsum '.repeat(60)}Dupont ${'dolor sit '.repeat(60)}`;
    const h = highlight(long, highlightTerms('dupont'), 120) as string;
    expect(h.startsWith('…')).toBe(true);
    expect(h.endsWith('…')).toBe(true);
    expect(h).toContain('<mark>Dupont</mark>');
    expect(h.length).toBeLessThan(160);
  });
});
