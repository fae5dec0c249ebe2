import { Marking } from '../markings';

/** Shapes of the gateway's analytics API the console reads (`/api/v1/graph/*`, `/timeline`, `/geo`, `/types`). */

/** An object as a node or result; `title` is null when the caller may not see the title property. */
export interface ObjectSummary {
  id: string;
  type: string;
  title: string | null;
  markings: Marking;
}

export interface GraphEdge {
  id: string;
  type: string;
  fromId: string;
  toId: string;
  directed: boolean;
  validFrom: string | null;
  validTo: string | null;
  markings: Marking;
}

export interface TimeWindow {
  from?: string;
  to?: string;
}

export interface NeighbourhoodRequest {
  ids: string[];
  hops?: number;
  linkTypes?: string[];
  objectTypes?: string[];
  window?: TimeWindow;
  limit?: number;
}

export interface SubgraphResponse {
  nodes: (ObjectSummary & { depth: number })[];
  edges: GraphEdge[];
  truncated: boolean;
}

export interface PathsRequest {
  fromId: string;
  toId: string;
  k?: number;
  maxHops?: number;
  respectDirection?: boolean;
  linkTypes?: string[];
}

export interface GraphPath {
  nodeIds: string[];
  edgeIds: string[];
  length: number;
}

export interface PathsResponse {
  paths: GraphPath[];
  nodes: ObjectSummary[];
  edges: GraphEdge[];
  truncated: boolean;
}

export const TIMELINE_BUCKETS = ['hour', 'day', 'week', 'month', 'year'] as const;
export type TimelineBucket = (typeof TIMELINE_BUCKETS)[number];

export interface TimelineRequest {
  ids?: string[];
  from?: string;
  to?: string;
  bucket?: TimelineBucket;
  includeLinks?: boolean;
  limit?: number;
}

export interface TimelineItem {
  kind: 'object' | 'link';
  id: string;
  type: string;
  at: string;
  title: string | null;
  fromId: string | null;
  toId: string | null;
}

export interface TimelineBucketCount {
  start: string;
  objects: number;
  links: number;
}

export interface TimelineResponse {
  bucket: TimelineBucket;
  buckets: TimelineBucketCount[];
  items: TimelineItem[];
  total: number;
  truncated: boolean;
}

export interface GeoBox {
  minLat: number;
  minLon: number;
  maxLat: number;
  maxLon: number;
}

export interface GeoRequest {
  box: GeoBox;
  types?: string[];
  clusterAbove?: number;
  grid?: number;
}

export interface GeoPoint extends ObjectSummary {
  lat: number;
  lon: number;
}

export interface GeoCluster {
  lat: number;
  lon: number;
  count: number;
  box: GeoBox;
}

export interface GeoResponse {
  total: number;
  clustered: boolean;
  points: GeoPoint[];
  clusters: GeoCluster[];
}

export interface LocalisedLabel {
  fr: string;
  en: string;
}

export interface LinkTypeInfo {
  name: string;
  label: LocalisedLabel;
  from: string[];
  to: string[];
  directed: boolean;
}

export interface ObjectTypeInfo {
  name: string;
  label: LocalisedLabel;
}

export interface OntologyTypes {
  document: { version: number; objectTypes: ObjectTypeInfo[]; linkTypes: LinkTypeInfo[] };
}
