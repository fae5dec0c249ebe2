import { hrefFor, parseRoute } from '../router';

const A = '0b9f2c1e-1111-4111-8111-111111111111';
const B = '0b9f2c1e-2222-4222-8222-222222222222';

describe('analysis route', () => {
  it('reads seed ids from the query, dropping anything that is not an id and duplicates', () => {
    expect(parseRoute('/analysis', `?id=${A}&id=${B.toUpperCase()}&id=nope&id=${A}`)).toEqual({ name: 'analysis', ids: [A, B] });
    expect(parseRoute('/analysis/', '')).toEqual({ name: 'analysis', ids: [] });
  });

  it('round-trips through hrefFor', () => {
    const href = hrefFor({ name: 'analysis', ids: [A, B] });
    expect(href).toBe(`/analysis?id=${A}&id=${B}`);
    const url = new URL(href, 'http://x');
    expect(parseRoute(url.pathname, url.search)).toEqual({ name: 'analysis', ids: [A, B] });
    expect(hrefFor({ name: 'analysis', ids: [] })).toBe('/analysis');
  });
});
