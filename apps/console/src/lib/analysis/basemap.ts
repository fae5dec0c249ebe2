import type { FeatureCollection, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

/** The offline basemap's files, shipped with the console (`apps/console/public/basemap`, see build-basemap.cjs). */
export const BASEMAP_COUNTRIES_URL = '/basemap/countries-50m.json';
export const BASEMAP_CITIES_URL = '/basemap/cities.json';

export interface City {
  name: string;
  lat: number;
  lon: number;
  population: number;
  capital: boolean;
}

/** Natural Earth countries (TopoJSON from `world-atlas`) as GeoJSON; anything else is refused by name. */
export function countriesFromTopology(doc: unknown): FeatureCollection<Geometry> {
  const topology = doc as Partial<Topology> | null;
  const countries = topology?.type === 'Topology' ? topology.objects?.['countries'] : undefined;
  if (!topology || !countries || countries.type !== 'GeometryCollection') throw new Error('basemap: the countries file is not a TopoJSON topology with a "countries" collection');
  return feature(topology as Topology, countries as GeometryCollection) as FeatureCollection<Geometry>;
}

/** The cities file's rows `[name, lat, lon, population, capital]`; a malformed row is named. */
export function parseCities(doc: unknown): City[] {
  const rows = (doc as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows)) throw new Error('basemap: the cities file has no "rows" array');
  return rows.map((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== 5) throw new Error(`basemap: city row ${i} is not [name, lat, lon, population, capital]`);
    const [name, lat, lon, population, capital] = row as unknown[];
    if (typeof name !== 'string' || typeof lat !== 'number' || typeof lon !== 'number' || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      throw new Error(`basemap: city row ${i} has a bad name or coordinates`);
    }
    return { name, lat, lon, population: typeof population === 'number' ? population : 0, capital: capital === 1 };
  });
}

/** Cities worth drawing at a zoom level: capitals always, the largest ones as the map zooms in. */
export function citiesAtZoom(cities: City[], zoom: number): City[] {
  const min = zoom >= 6 ? 0 : zoom >= 4 ? 1_000_000 : zoom >= 3 ? 5_000_000 : Infinity;
  return cities.filter((c) => c.capital || c.population >= min);
}
