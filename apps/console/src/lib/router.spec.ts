import { hrefFor, parseRoute } from './router';

const ID = '0b9f2c1e-1111-4111-8111-111111111111';

describe('router', () => {
  it('parses the screens that exist', () => {
    expect(parseRoute('/', '')).toEqual({ name: 'search', q: '', types: [] });
    expect(parseRoute('/search', '?q=dupont&type=Person&type=bad-type')).toEqual({ name: 'search', q: 'dupont', types: ['Person'] });
    expect(parseRoute(`/objects/${ID.toUpperCase()}`, '')).toEqual({ name: 'object', id: ID });
    expect(parseRoute('/about/', '')).toEqual({ name: 'about' });
  });

  it('treats anything else as not found (no placeholder screens)', () => {
    expect(parseRoute('/graph', '')).toEqual({ name: 'notFound', path: '/graph' });
    expect(parseRoute('/objects/not-a-uuid', '').name).toBe('notFound');
  });

  it('round-trips hrefs', () => {
    for (const href of ['/search?q=a+b&type=Person', `/objects/${ID}`, '/about', '/search']) {
      const url = new URL(href, 'http://x');
      expect(hrefFor(parseRoute(url.pathname, url.search))).toBe(href);
    }
  });
});
