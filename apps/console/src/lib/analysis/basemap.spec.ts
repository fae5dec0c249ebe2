import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { citiesAtZoom, countriesFromTopology, parseCities } from './basemap';
import { listOrder, mapBox, pointsToShow } from './map-model';

const asset = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '../../../public/basemap', name), 'utf8'));

describe('offline basemap', () => {
  it('ships Natural Earth countries that convert to GeoJSON', () => {
    const countries = countriesFromTopology(asset('countries-50m.json'));
    expect(countries.features.length).toBeGreaterThan(200);
    const names = countries.features.map((f) => (f.properties as { name?: string } | null)?.name);
    expect(names).toEqual(expect.arrayContaining(['France', 'Germany', 'Brazil']));
  });

  it('ships capitals and large cities', () => {
    const cities = parseCities(asset('cities.json'));
    expect(cities.length).toBeGreaterThan(300);
    const paris = cities.find((c) => c.name === 'Paris');
    expect(paris?.capital).toBe(true);
    expect(paris?.lat).toBeCloseTo(48.86, 1);
    expect(paris?.lon).toBeCloseTo(2.35, 1);
  });

  it('refuses files that are not what they should be, naming the problem', () => {
    expect(() => countriesFromTopology({ type: 'FeatureCollection' })).toThrow('not a TopoJSON topology with a "countries" collection');
    expect(() => parseCities({})).toThrow('no "rows" array');
    expect(() => parseCities({ rows: [['Nowhere', 123, 0, 1, 0]] })).toThrow('city row 0 has a bad name or coordinates');
    expect(() => parseCities({ rows: [['Short']] })).toThrow('city row 0 is not [name, lat, lon, population, capital]');
  });

  it('draws more cities as the map zooms in; capitals always', () => {
    const cities = [
      { name: 'Cap', lat: 0, lon: 0, population: 10, capital: true },
      { name: 'Big', lat: 0, lon: 0, population: 6_000_000, capital: false },
      { name: 'Mid', lat: 0, lon: 0, population: 1_500_000, capital: false },
      { name: 'Small', lat: 0, lon: 0, population: 20_000, capital: false },
    ];
    expect(citiesAtZoom(cities, 2).map((c) => c.name)).toEqual(['Cap']);
    expect(citiesAtZoom(cities, 3).map((c) => c.name)).toEqual(['Cap', 'Big']);
    expect(citiesAtZoom(cities, 4).map((c) => c.name)).toEqual(['Cap', 'Big', 'Mid']);
    expect(citiesAtZoom(cities, 7)).toHaveLength(4);
  });
});

describe('map model', () => {
  const bounds = (s: number, w: number, n: number, e: number) => ({ getSouth: () => s, getWest: () => w, getNorth: () => n, getEast: () => e });

  it('clamps the view to the world for the geo API', () => {
    expect(mapBox(bounds(-120, -250, 95, 400))).toEqual({ minLat: -90, minLon: -180, maxLat: 90, maxLon: 180 });
    expect(mapBox(bounds(43.123456789, 1.5, 49, 7))).toEqual({ minLat: 43.12346, minLon: 1.5, maxLat: 49, maxLon: 7 });
  });

  const p = (id: string) => ({ id, type: 'Event', title: id, markings: { level: 'NP' as const, compartments: [] }, lat: 0, lon: 0 });

  it('keeps only the points of a brushed window', () => {
    expect(pointsToShow([p('a'), p('b')], null).map((x) => x.id)).toEqual(['a', 'b']);
    expect(pointsToShow([p('a'), p('b')], new Set(['b'])).map((x) => x.id)).toEqual(['b']);
  });

  it('lists the graph’s points first, then by title', () => {
    expect(listOrder([p('c'), p('a'), p('b')], new Set(['c'])).map((x) => x.id)).toEqual(['c', 'a', 'b']);
  });
});
