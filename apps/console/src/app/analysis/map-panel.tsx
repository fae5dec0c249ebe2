import * as L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useId, useRef, useState } from 'react';
import { GeoBox, GeoResponse, ObjectSummary } from '../../lib/analysis/analysis-types';
import { BASEMAP_CITIES_URL, BASEMAP_COUNTRIES_URL, citiesAtZoom, City, countriesFromTopology, parseCities } from '../../lib/analysis/basemap';
import { listOrder, mapBox, pointsToShow } from '../../lib/analysis/map-model';
import { nodeLabel } from '../../lib/analysis/graph-model';
import { useI18n } from '../i18n-context';
import { useDisplayedMarkings } from '../markings-context';
import { useServices } from '../services-context';
import { ErrorView } from '../error-view';

export interface MapPanelProps {
  /** Ids of the objects in the graph: their points stand out. */
  focus: ReadonlySet<string>;
  /** The brushed time window's ids, or null: with a window, only its points are drawn. */
  inWindow: ReadonlySet<string> | null;
  /** A point clicked or chosen in the list: its summary (to select it, or add it to the graph). */
  onPick(point: ObjectSummary): void;
}

const MAX_LISTED = 50;
/** Above this many objects in the area the geo API answers with grid clusters. */
const CLUSTER_ABOVE = 1000;

/**
 * Map of the objects in the visible area (server-side clusters from the geo API when many), on
 * an offline basemap shipped with the console: Natural Earth countries and a cities layer. No
 * tile server: the only requests are the basemap files and the API, both on the platform.
 */
export function MapPanel({ focus, inWindow, onPick }: MapPanelProps) {
  const { t, language } = useI18n();
  const { api, purpose } = useServices();
  const ids = useId();
  const element = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const dataLayer = useRef<L.LayerGroup | null>(null);
  const [box, setBox] = useState<GeoBox | null>(null);
  // The last answer stays on the map while the next one loads.
  const [answer, setAnswer] = useState<{ status: 'loading' | 'ready' | 'error'; data: GeoResponse | null; error?: unknown }>({ status: 'loading', data: null });
  const [basemapError, setBasemapError] = useState<string | null>(null);
  const onPickRef = useRef(onPick);
  onPickRef.current = onPick;

  useEffect(() => {
    if (!element.current) return;
    const map = L.map(element.current, { zoomControl: false, minZoom: 1, maxZoom: 12, worldCopyJump: false, maxBounds: [[-90, -200], [90, 200]], preferCanvas: true, zoomSnap: 0.5 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution('Natural Earth · SimpleMaps (CC BY 4.0)');
    map.setView([30, 10], 2);
    const countries = L.layerGroup().addTo(map);
    // The basemap's own pane, under the points' (overlayPane, z-index 400) whatever is drawn first.
    const basemapPane = map.createPane('basemap');
    basemapPane.style.zIndex = '350';
    const basemapRenderer = L.canvas({ padding: 0.2, pane: 'basemap' });
    const cityLayer = L.layerGroup().addTo(map);
    dataLayer.current = L.layerGroup().addTo(map);
    let cities: City[] = [];
    const drawCities = () => {
      cityLayer.clearLayers();
      const zoom = map.getZoom();
      for (const city of citiesAtZoom(cities, zoom)) {
        const marker = L.circleMarker([city.lat, city.lon], { renderer: basemapRenderer, radius: city.capital ? 3 : 2, color: '#4a5561', weight: 1, fillColor: '#ffffff', fillOpacity: 1, interactive: false });
        if (city.capital && zoom >= 4) marker.bindTooltip(city.name, { permanent: true, direction: 'right', className: 'city-label', offset: [4, 0] });
        marker.addTo(cityLayer);
      }
    };
    const controller = new AbortController();
    const load = (url: string) => fetch(url, { credentials: 'omit', signal: controller.signal }).then((r) => (r.ok ? r.json() : Promise.reject(new Error(`${url}: HTTP ${r.status}`))));
    load(BASEMAP_COUNTRIES_URL)
      .then((doc: unknown) => {
        // Countries on a canvas of their own: redrawing the points does not redraw the basemap.
        L.geoJSON(countriesFromTopology(doc), { interactive: false, renderer: basemapRenderer, style: { color: '#8c96a0', weight: 0.7, fillColor: '#eef1f4', fillOpacity: 1 } } as L.GeoJSONOptions & L.PathOptions).addTo(countries);
        return load(BASEMAP_CITIES_URL);
      })
      .then((doc: unknown) => {
        cities = parseCities(doc);
        drawCities();
      })
      .catch((error: unknown) => controller.signal.aborted || setBasemapError(error instanceof Error ? error.message : String(error)));
    const moved = () => setBox(mapBox(map.getBounds()));
    map.on('moveend', moved);
    map.on('zoomend', drawCities);
    moved();
    mapRef.current = map;
    return () => {
      controller.abort();
      map.remove();
      mapRef.current = null;
      dataLayer.current = null;
    };
  }, []);

  // Zoom buttons titled in the user's language.
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const control = L.control.zoom({ zoomInTitle: t('analysis.zoomIn'), zoomOutTitle: t('analysis.zoomOut') }).addTo(map);
    return () => {
      control.remove();
    };
  }, [language]);

  // The objects of the area: listed points, or the API's grid clusters when there are many.
  // With a brushed window the answer must list points (clusters cannot be filtered by id).
  const windowed = inWindow !== null;
  useEffect(() => {
    if (!box) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setAnswer((prev) => ({ status: 'loading', data: prev.data }));
      api.geo({ box, clusterAbove: windowed ? 5000 : CLUSTER_ABOVE, grid: 12 }, controller.signal).then(
        (data) => controller.signal.aborted || setAnswer({ status: 'ready', data }),
        (error: unknown) => controller.signal.aborted || setAnswer({ status: 'error', data: null, error }),
      );
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [box?.minLat, box?.minLon, box?.maxLat, box?.maxLon, windowed, purpose]);

  const data = answer.data;
  const points = data ? pointsToShow(data.points, inWindow) : [];
  const clusters = data && data.clustered && !windowed ? data.clusters : [];
  useDisplayedMarkings(points.map((p) => p.markings));

  useEffect(() => {
    const layer = dataLayer.current;
    const map = mapRef.current;
    if (!layer || !map) return;
    layer.clearLayers();
    for (const cluster of clusters) {
      const marker = L.circleMarker([cluster.lat, cluster.lon], { radius: 8 + Math.min(16, Math.log2(cluster.count) * 2), color: '#0b3d6e', weight: 2, fillColor: '#1f5fa8', fillOpacity: 0.75, className: 'map-cluster' });
      marker.bindTooltip(t('analysis.cluster', { count: cluster.count }));
      marker.on('click', () => map.fitBounds([[cluster.box.minLat, cluster.box.minLon], [cluster.box.maxLat, cluster.box.maxLon]], { padding: [20, 20], maxZoom: 10 }));
      marker.addTo(layer);
    }
    for (const point of points) {
      const inGraph = focus.has(point.id);
      const marker = L.circleMarker([point.lat, point.lon], {
        radius: inGraph ? 8 : 5,
        color: inGraph ? '#7a2e00' : '#1b1f24',
        weight: inGraph ? 3 : 1,
        fillColor: inGraph ? '#d35400' : '#5c6670',
        fillOpacity: 0.9,
        className: inGraph ? 'map-point in-graph' : 'map-point',
      });
      marker.bindTooltip(nodeLabel(point, t('object.untitled')));
      marker.on('click', () => onPickRef.current(point));
      marker.addTo(layer);
    }
  }, [data, inWindow, focus, language]);

  const listed = listOrder(points, focus).slice(0, MAX_LISTED);
  return (
    <section className="map-panel" aria-labelledby={`${ids}-title`}>
      <div className="panel-head">
        <h2 id={`${ids}-title`}>{t('analysis.map')}</h2>
        <p role="status" className="map-status">
          {answer.status === 'loading'
            ? t('common.loading')
            : data
              ? data.clustered && !windowed
                ? t('analysis.mapClustered', { count: data.total, clusters: data.clusters.length })
                : t('analysis.mapPoints', { count: points.length })
              : ''}
        </p>
      </div>
      <div ref={element} className="map-canvas" role="region" aria-label={t('analysis.mapLabel')} />
      {basemapError && <p className="notice error">{t('analysis.basemapError', { message: basemapError })}</p>}
      {answer.status === 'error' && <ErrorView error={answer.error} />}
      {data && (
        <details className="map-list">
          <summary>{t('analysis.mapList', { count: listed.length })}</summary>
          <ul>
            {listed.map((p) => (
              <li key={p.id}>
                <button type="button" className="link-button" onClick={() => onPick(p)}>
                  {nodeLabel(p, t('object.untitled'))}
                </button>
                {focus.has(p.id) && <span className="tag">{t('analysis.inGraph')}</span>}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
