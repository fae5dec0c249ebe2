import { Marking } from './markings';
import { GeoRequest, GeoResponse, NeighbourhoodRequest, OntologyTypes, PathsRequest, PathsResponse, SubgraphResponse, TimelineRequest, TimelineResponse } from './analysis/analysis-types';
import { Purpose, purposeHeader } from './purpose';

/** Shapes of the gateway API the console reads (from `/api/docs/openapi.json`). */
export interface Provenance {
  source: string;
  jobId?: string;
  recordKey?: string;
  line?: number;
}

export interface SearchRequest {
  q: string;
  fuzzy?: boolean;
  types?: string[];
  cursor?: string;
  limit?: number;
}

export interface SearchHit {
  id: string;
  type: string;
  title: string | null;
  score: number;
  markings: Marking;
  highlights: { property: string; fragment: string }[];
  time: string | null;
  geo: { lat: number; lon: number } | null;
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface SearchResponse {
  items: SearchHit[];
  nextCursor: string | null;
  total: number;
  /** False when the search stopped counting (`total` is then a lower bound, shown as "1000+"). */
  totalExact?: boolean;
  facets: { types: FacetValue[]; properties: Record<string, FacetValue[]> };
}

export type PropertyScalar = string | number | boolean | { lat: number; lon: number };
export type PropertyValue = PropertyScalar | PropertyScalar[];

export interface ObjectProperty {
  value: PropertyValue;
  marking: Marking;
  provenance: Provenance;
}

export interface OntologyObject {
  id: string;
  type: string;
  version: number;
  title: string | null;
  markings: Marking;
  provenance: Provenance;
  properties: Record<string, ObjectProperty>;
  createdAt?: string;
  updatedAt?: string;
}

export interface HistoryEntry {
  version: number;
  change: 'created' | 'updated' | 'deleted' | 'restored' | 'merged' | 'unmerged';
  at: string;
  actor: { subject: string; username?: string; kind: 'user' | 'service' };
  purpose?: Purpose;
  provenance: Provenance;
  changedProperties: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface OntologyLink {
  id: string;
  type: string;
  fromId: string;
  toId: string;
  directed: boolean;
  version: number;
  markings: Marking;
  provenance: Provenance;
}

export interface HealthDependency {
  name: string;
  status: string;
  version?: string;
  latencyMs?: number;
  error?: string;
}

export interface ServiceHealth {
  status: string;
  version?: string;
  latencyMs?: number;
  dependencies?: HealthDependency[];
  /** Why the gateway could not get the service's report. */
  error?: { code: string; message: string };
}

export interface PlatformHealth {
  status: string;
  version: string;
  services: Record<string, ServiceHealth>;
  /** NATS JetStream (as the gateway sees it), PostgreSQL and Keycloak. */
  dependencies?: HealthDependency[];
}

export interface VersionChangeProperty {
  target: 'property';
  property: string;
  kind: 'added' | 'removed' | 'modified';
  before?: ObjectProperty;
  after?: ObjectProperty;
}

export type VersionChange =
  | VersionChangeProperty
  | { target: 'markings'; before: Marking; after: Marking }
  | { target: 'state'; before: 'active' | 'deleted'; after: 'active' | 'deleted' }
  | { target: 'validity'; before: { validFrom: string | null; validTo: string | null }; after: { validFrom: string | null; validTo: string | null } };

export interface VersionDiff {
  id: string;
  fromVersion: number;
  toVersion: number;
  changes: VersionChange[];
}

export interface Me {
  tenant: string;
  subject: string;
  username?: string;
  roles: string[];
  clearance: string;
  compartments: string[];
}

/** An error answer of the gateway: its HTTP status and error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly traceId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** 428: the data needs a stated purpose. */
  get purposeRequired(): boolean {
    return this.status === 428 || this.code === 'PURPOSE_REQUIRED';
  }
}

export interface ApiDeps {
  fetch: typeof fetch;
  accessToken: () => Promise<string>;
  purpose: () => Purpose | null;
  baseUrl?: string;
}

/** The gateway API, the console's only backend: bearer token and stated purpose on every call. */
export class ApiClient {
  constructor(private readonly deps: ApiDeps) {}

  search(request: SearchRequest, signal?: AbortSignal): Promise<SearchResponse> {
    return this.call<SearchResponse>('POST', '/api/v1/search', request, signal);
  }

  object(id: string, signal?: AbortSignal): Promise<OntologyObject> {
    return this.call<OntologyObject>('GET', `/api/v1/objects/${encodeURIComponent(id)}`, undefined, signal);
  }

  history(id: string, signal?: AbortSignal): Promise<Page<HistoryEntry>> {
    return this.call<Page<HistoryEntry>>('GET', `/api/v1/objects/${encodeURIComponent(id)}/history?limit=50`, undefined, signal);
  }

  links(objectId: string, signal?: AbortSignal): Promise<Page<OntologyLink>> {
    return this.call<Page<OntologyLink>>('GET', `/api/v1/links?${new URLSearchParams({ objectId, direction: 'both', limit: '100' })}`, undefined, signal);
  }

  /** What changed between two versions of an object. */
  diff(id: string, fromVersion: number, toVersion: number, signal?: AbortSignal): Promise<VersionDiff> {
    return this.call<VersionDiff>('GET', `/api/v1/objects/${encodeURIComponent(id)}/diff?${new URLSearchParams({ from: String(fromVersion), to: String(toVersion) })}`, undefined, signal);
  }

  /** A JSON call, for the screens' own API modules (lib/ingestion, lib/audit, lib/admin). */
  json<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return this.call<T>(method, path, body, signal);
  }

  /** A call whose body is not JSON (uploads, server-sent events, downloads): token and purpose added, error answers thrown as `ApiError`. */
  async raw(method: 'GET' | 'POST', path: string, init: { body?: BodyInit; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers, authorization: `Bearer ${await this.deps.accessToken()}` };
    const purpose = this.deps.purpose();
    if (purpose) headers['x-purpose'] = purposeHeader(purpose);
    const res = await this.deps.fetch(`${this.deps.baseUrl ?? ''}${path}`, { method, headers, body: init.body, signal: init.signal, credentials: 'omit' });
    if (res.ok) return res;
    const text = await res.text();
    let doc: unknown = null;
    try {
      doc = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: the status alone says what happened.
    }
    throw errorOf(res.status, doc);
  }

  /** Platform health: 503 still carries the per-service report, so it is returned, not thrown. */
  health(signal?: AbortSignal): Promise<PlatformHealth> {
    return this.call<PlatformHealth>('GET', '/api/v1/health', undefined, signal, [503]);
  }

  /** Link analysis: objects and links around seeds (analytics). */
  graphNeighbourhood(request: NeighbourhoodRequest, signal?: AbortSignal): Promise<SubgraphResponse> {
    return this.call<SubgraphResponse>('POST', '/api/v1/graph/neighbourhood', request, signal);
  }

  graphPaths(request: PathsRequest, signal?: AbortSignal): Promise<PathsResponse> {
    return this.call<PathsResponse>('POST', '/api/v1/graph/paths', request, signal);
  }

  timeline(request: TimelineRequest, signal?: AbortSignal): Promise<TimelineResponse> {
    return this.call<TimelineResponse>('POST', '/api/v1/timeline', request, signal);
  }

  geo(request: GeoRequest, signal?: AbortSignal): Promise<GeoResponse> {
    return this.call<GeoResponse>('POST', '/api/v1/geo', request, signal);
  }

  /** The tenant's ontology (object and link types with their labels). */
  types(signal?: AbortSignal): Promise<OntologyTypes> {
    return this.call<OntologyTypes>('GET', '/api/v1/types', undefined, signal);
  }

  me(signal?: AbortSignal): Promise<Me> {
    return this.call<Me>('GET', '/api/v1/auth/me', undefined, signal);
  }

  private async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body: unknown, signal: AbortSignal | undefined, acceptedErrors: number[] = []): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${await this.deps.accessToken()}` };
    const purpose = this.deps.purpose();
    if (purpose) headers['x-purpose'] = purposeHeader(purpose);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.deps.fetch(`${this.deps.baseUrl ?? ''}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, credentials: 'omit' });
    const text = await res.text();
    let doc: unknown = null;
    try {
      doc = text ? JSON.parse(text) : null;
    } catch {
      throw new ApiError(res.status, 'INVALID_RESPONSE', `${method} ${path}: the answer is not JSON (HTTP ${res.status})`);
    }
    if (res.ok || acceptedErrors.includes(res.status)) {
      if (typeof doc !== 'object' || doc === null) throw new ApiError(res.status, 'INVALID_RESPONSE', `${method} ${path}: the answer is not a JSON object`);
      return doc as T;
    }
    throw errorOf(res.status, doc);
  }
}

/** A gateway error body (`{ error: { code, message }, traceId }`) as an `ApiError`. */
function errorOf(status: number, doc: unknown): ApiError {
  const error = (doc as { error?: { code?: unknown; message?: unknown }; traceId?: unknown } | null) ?? {};
  return new ApiError(
    status,
    typeof error.error?.code === 'string' ? error.error.code : `HTTP_${status}`,
    typeof error.error?.message === 'string' ? error.error.message : `HTTP ${status}`,
    typeof error.traceId === 'string' ? error.traceId : undefined,
  );
}
