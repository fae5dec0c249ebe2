import { DICTIONARIES, formatDateTime, formatNumber, initialLanguage, translate } from './i18n';

describe('i18n', () => {
  it('has the same keys in French and English, none empty', () => {
    expect(Object.keys(DICTIONARIES.en).sort()).toEqual(Object.keys(DICTIONARIES.fr).sort());
    for (const dict of Object.values(DICTIONARIES)) for (const value of Object.values(dict)) expect(value.trim()).not.toBe('');
  });

  it('fills placeholders and leaves a missing one visible', () => {
    expect(translate('fr', 'search.results', { count: '3' })).toBe('3 résultats');
    expect(translate('en', 'purpose.button', { caseRef: 'C-1' })).toBe('Purpose: C-1');
    expect(translate('en', 'search.results')).toBe('{count} results');
  });

  it('formats numbers and dates per language', () => {
    expect(formatNumber('fr', 12345.5)).toBe('12\u202f345,5');
    expect(formatNumber('en', 12345.5)).toBe('12,345.5');
    expect(formatDateTime('fr', '2026-03-01T14:05:00Z', 'UTC')).toBe('1 mars 2026, 14:05');
    expect(formatDateTime('en', '2026-03-01T14:05:00Z', 'UTC')).toBe('1 Mar 2026, 14:05');
    expect(formatDateTime('en', 'not a date')).toBe('not a date');
  });

  it('starts from the stored choice, else the browser, else French', () => {
    expect(initialLanguage('en', ['fr-FR'])).toBe('en');
    expect(initialLanguage(null, ['de-DE', 'en-US'])).toBe('en');
    expect(initialLanguage('xx', ['de'])).toBe('fr');
  });
});
