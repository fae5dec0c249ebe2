import { GeoBox, GeoPoint } from './analysis-types';

/** The corners of a map view (as Leaflet's LatLngBounds gives them). */
export interface ViewBounds {
  getSouth(): number;
  getWest(): number;
  getNorth(): number;
  getEast(): number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The geo API's box for a map view: clamped to the world (the API takes no antimeridian crossing). */
export function mapBox(bounds: ViewBounds): GeoBox {
  const box = {
    minLat: clamp(bounds.getSouth(), -90, 90),
    minLon: clamp(bounds.getWest(), -180, 180),
    maxLat: clamp(bounds.getNorth(), -90, 90),
    maxLon: clamp(bounds.getEast(), -180, 180),
  };
  const round = (v: number) => Math.round(v * 1e5) / 1e5;
  return { minLat: round(box.minLat), minLon: round(box.minLon), maxLat: round(Math.max(box.minLat, box.maxLat)), maxLon: round(Math.max(box.minLon, box.maxLon)) };
}

/** Points drawn: all of the area's, or with a brushed window only those in it. */
export function pointsToShow(points: GeoPoint[], inWindow: ReadonlySet<string> | null): GeoPoint[] {
  return inWindow === null ? points : points.filter((p) => inWindow.has(p.id));
}

/** The points listed under the map: those of the graph first, then by title. */
export function listOrder(points: GeoPoint[], focus: ReadonlySet<string>): GeoPoint[] {
  return [...points].sort((a, b) => Number(focus.has(b.id)) - Number(focus.has(a.id)) || (a.title ?? '').localeCompare(b.title ?? ''));
}
