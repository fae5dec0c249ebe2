/** The console's client routes; only screens that exist are routes (no placeholders). */
export type Route = { name: 'search'; q: string; types: string[] } | { name: 'object'; id: string } | { name: 'about' } | { name: 'ingestion' } | { name: 'audit' } | { name: 'admin' } | { name: 'analysis'; ids: string[] } | { name: 'notFound'; path: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TYPE = /^[A-Z][A-Za-z0-9]{0,63}$/;

export function parseRoute(pathname: string, search: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  const query = new URLSearchParams(search);
  if (path === '/' || path === '/search') {
    return { name: 'search', q: query.get('q') ?? '', types: query.getAll('type').filter((t) => TYPE.test(t)) };
  }
  const object = /^\/objects\/([^/]+)$/.exec(path);
  if (object && UUID.test(decodeURIComponent(object[1]))) return { name: 'object', id: decodeURIComponent(object[1]).toLowerCase() };
  if (path === '/about') return { name: 'about' };
  if (path === '/analysis') return { name: 'analysis', ids: [...new Set(query.getAll('id').filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))].slice(0, 100) };
  if (path === '/ingestion') return { name: 'ingestion' };
  if (path === '/audit') return { name: 'audit' };
  if (path === '/admin') return { name: 'admin' };
  return { name: 'notFound', path };
}

export function hrefFor(route: Route): string {
  switch (route.name) {
    case 'search': {
      const query = new URLSearchParams();
      if (route.q) query.set('q', route.q);
      for (const type of route.types) query.append('type', type);
      const qs = query.toString();
      return qs ? `/search?${qs}` : '/search';
    }
    case 'object':
      return `/objects/${encodeURIComponent(route.id)}`;
    case 'about':
      return '/about';
    case 'analysis': {
      const query = new URLSearchParams();
      for (const id of route.ids) query.append('id', id);
      const qs = query.toString();
      return qs ? `/analysis?${qs}` : '/analysis';
    }
    case 'ingestion':
      return '/ingestion';
    case 'audit':
      return '/audit';
    case 'admin':
      return '/admin';
    case 'notFound':
      return route.path;
  }
}
