import { BatchLink, BatchObject, Marking, PropertyValues, UNMARKED } from '@vigie/ontology-contracts';
import { RejectionCode } from '../common/parse-item.types';
import { parseIso } from '../mapping/date-format.util';
import { Clearance, combineMarkings, markingExcess } from '../mapping/markings.util';
import { DEFAULT_TLP_MARKINGS, readMarkingDefinition, TLP_MARKING_IDS, TlpLevel } from './stix-markings.util';

/** STIX types read into the ontology, and the ontology type each becomes. */
export const STIX_OBJECT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  identity: 'Person|Organization',
  'threat-actor': 'ThreatActor',
  'intrusion-set': 'IntrusionSet',
  campaign: 'Campaign',
  malware: 'Malware',
  tool: 'Tool',
  'attack-pattern': 'AttackPattern',
  indicator: 'Indicator',
  vulnerability: 'Vulnerability',
  location: 'Location',
  'observed-data': 'Observation',
  'ipv4-addr': 'IpAddress',
  'ipv6-addr': 'IpAddress',
  'domain-name': 'Domain',
  'email-addr': 'Email',
  url: 'Url',
  file: 'File',
});

/** STIX relationship types with a link type of their own (snake_case); others become `related_to`. */
export const STIX_RELATIONSHIP_LINKS: Readonly<Record<string, string>> = Object.freeze({
  indicates: 'indicates',
  targets: 'targets',
  'attributed-to': 'attributed_to',
  mitigates: 'mitigates',
  uses: 'employs',
  'variant-of': 'variant_of',
  'derived-from': 'derived_from',
  'duplicate-of': 'duplicate_of',
  'based-on': 'based_on',
  'communicates-with': 'communicates_with',
  delivers: 'delivers',
  drops: 'drops',
  downloads: 'downloads',
  exploits: 'exploits',
  'authored-by': 'authored_by',
  compromises: 'compromises',
  'originates-from': 'originates_from',
  'beacons-to': 'beacons_to',
  'exfiltrates-to': 'exfiltrates_to',
  hosts: 'hosts',
  impersonates: 'impersonates',
  'consists-of': 'consists_of',
  controls: 'controls',
  has: 'has',
  characterizes: 'characterizes',
});

const STIX_ID = /^([a-z0-9][a-z0-9-]*[a-z0-9])--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface StixMapperOptions {
  /** Markings of the job, the floor of every object's markings (default NP). */
  readonly markings?: Marking;
  /** The uploader's clearance: an object marked above it is rejected (quarantined), never lowered. */
  readonly clearance?: Clearance;
  /** TLP → Vigie marking table (default `DEFAULT_TLP_MARKINGS`). */
  readonly tlpMarkings?: Readonly<Record<TlpLevel, Marking>>;
}

export type StixMapResult =
  | { readonly ok: true; readonly objects: BatchObject[]; readonly links: BatchLink[]; readonly note?: string }
  | { readonly ok: false; readonly code: RejectionCode; readonly reason: string };

type Obj = Record<string, unknown>;

class Malformed {
  constructor(readonly reason: string) {}
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const strs = (v: unknown): string[] | undefined => {
  if (!Array.isArray(v)) return undefined;
  const out = v.filter((x): x is string => typeof x === 'string' && x.trim() !== '');
  return out.length > 0 ? out : undefined;
};

function put(props: PropertyValues, name: string, value: PropertyValues[string] | undefined): void {
  if (value !== undefined && value !== null) props[name] = value;
}

function stixType(id: unknown): string | null {
  if (typeof id !== 'string') return null;
  const m = STIX_ID.exec(id);
  return m ? m[1] : null;
}

/**
 * Turns STIX 2.1 objects into ontology objects and links, one object at a time, in bundle order.
 * Keeps the marking definitions met so far; an object naming a marking that is neither a
 * standard TLP marking nor defined earlier in the bundle is rejected (fail closed).
 */
export class StixMapper {
  private readonly markingsById = new Map<string, Marking>();
  private readonly base: Marking;
  private readonly tlp: Readonly<Record<TlpLevel, Marking>>;

  constructor(private readonly options: StixMapperOptions = {}) {
    this.base = options.markings ?? UNMARKED;
    this.tlp = options.tlpMarkings ?? DEFAULT_TLP_MARKINGS;
    for (const [id, level] of Object.entries(TLP_MARKING_IDS)) this.markingsById.set(id, this.tlp[level]);
  }

  map(object: Obj, provenance: { recordKey?: string; line?: number } = {}): StixMapResult {
    const type = object.type;
    if (typeof type !== 'string' || type === '') return this.malformed('the object has no "type"');
    const id = object.id;
    const idType = stixType(id);
    if (idType === null) return this.malformed(`${type}: "id" ${JSON.stringify(id)} is not a STIX identifier (<type>--<UUID>)`);
    if (idType !== type) return this.malformed(`${type}: "id" ${String(id)} names another type (${idType})`);
    if (object.spec_version !== undefined && object.spec_version !== '2.1') {
      return this.malformed(`${id}: spec_version ${JSON.stringify(object.spec_version)} is not 2.1`);
    }
    if (type === 'marking-definition') return this.markingDefinition(object);
    const markings = this.markingsOf(object);
    if (!('level' in markings)) return markings;
    try {
      const result = this.mapObject(type, id as string, object, markings, provenance);
      if (result === null) {
        return {
          ok: false,
          code: RejectionCode.UnknownStixType,
          reason: `${id}: STIX type "${type}" is not mapped to the ontology (mapped: ${Object.keys(STIX_OBJECT_TYPES).join(', ')}, relationship, sighting, marking-definition)`,
        };
      }
      return result;
    } catch (error) {
      if (error instanceof Malformed) return this.malformed(`${id}: ${error.reason}`);
      throw error;
    }
  }

  private malformed(reason: string): StixMapResult {
    return { ok: false, code: RejectionCode.MalformedStix, reason: `malformed STIX object: ${reason}` };
  }

  private markingDefinition(object: Obj): StixMapResult {
    const reading = readMarkingDefinition(object);
    const id = object.id as string;
    if (reading.kind === 'unknown') return { ok: false, code: RejectionCode.UnknownMarking, reason: `${id}: ${reading.reason}; objects marked with it are rejected too` };
    if (reading.kind === 'statement') {
      this.markingsById.set(id, UNMARKED);
      return { ok: true, objects: [], links: [], note: `statement marking (no access restriction): ${reading.statement.slice(0, 200)}` };
    }
    const marking = this.tlp[reading.tlp];
    this.markingsById.set(id, marking);
    return { ok: true, objects: [], links: [], note: `TLP:${reading.tlp.toUpperCase()} ⇒ ${marking.level}${marking.compartments.length ? ` + ${marking.compartments.join(', ')}` : ''}` };
  }

  /** Object markings and granular markings (applied to the whole object), on top of the job's. */
  private markingsOf(object: Obj): Marking | { ok: false; code: RejectionCode; reason: string } {
    const refs: unknown[] = [];
    if (object.object_marking_refs !== undefined) {
      if (!Array.isArray(object.object_marking_refs)) return { ok: false, code: RejectionCode.MalformedStix, reason: `malformed STIX object: ${String(object.id)}: object_marking_refs is not a list` };
      refs.push(...object.object_marking_refs);
    }
    if (Array.isArray(object.granular_markings)) {
      for (const g of object.granular_markings) if (g && typeof g === 'object') refs.push((g as Obj).marking_ref);
    }
    let marking = this.base;
    for (const ref of refs) {
      const found = typeof ref === 'string' ? this.markingsById.get(ref) : undefined;
      if (!found) {
        return {
          ok: false,
          code: RejectionCode.UnknownMarking,
          reason: `${String(object.id)} is marked ${JSON.stringify(ref)}, which is neither a standard TLP marking nor a TLP or statement marking defined earlier in the bundle`,
        };
      }
      marking = combineMarkings(marking, found);
    }
    if (this.options.clearance) {
      const excess = markingExcess(marking, this.options.clearance);
      if (excess !== null) return { ok: false, code: RejectionCode.MarkingAboveClearance, reason: `${String(object.id)} is marked above the uploader's clearance: ${excess}` };
    }
    return marking;
  }

  private need(object: Obj, prop: string): string {
    const value = str(object[prop]);
    if (value === undefined) throw new Malformed(`required property "${prop}" is missing or empty`);
    return value;
  }

  private time(object: Obj, prop: string, required = false): string | undefined {
    const value = object[prop];
    if (value === undefined || value === null) {
      if (required) throw new Malformed(`required timestamp "${prop}" is missing`);
      return undefined;
    }
    const parsed = typeof value === 'string' ? parseIso(value) : null;
    if (parsed === null || parsed.length === 10) throw new Malformed(`"${prop}" ${JSON.stringify(value)} is not a STIX timestamp`);
    return parsed;
  }

  private confidence(object: Obj): number | undefined {
    const c = object.confidence;
    if (c === undefined) return undefined;
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c > 100) throw new Malformed(`"confidence" ${JSON.stringify(c)} is not an integer from 0 to 100`);
    return c;
  }

  private ref(object: Obj, prop: string): string {
    const value = object[prop];
    const t = stixType(value);
    if (t === null) throw new Malformed(`"${prop}" ${JSON.stringify(value)} is not a STIX identifier`);
    return value as string;
  }

  /** Common properties of the extension's SDO types. */
  private sdo(id: string, object: Obj, name: string | undefined): PropertyValues {
    const p: PropertyValues = { stixId: id };
    put(p, 'name', name);
    put(p, 'description', str(object.description));
    put(p, 'confidence', this.confidence(object));
    put(p, 'labels', strs(object.labels));
    return p;
  }

  private mapObject(type: string, id: string, o: Obj, markings: Marking, provenance: { recordKey?: string; line?: number }): StixMapResult | null {
    const objects: BatchObject[] = [];
    const links: BatchLink[] = [];
    const add = (objectType: string, properties: PropertyValues): void => {
      objects.push({ type: objectType, sourceKey: id, properties, markings, provenance });
    };
    const link = (linkType: string, sourceKey: string, from: string, to: string, properties: PropertyValues, validFrom?: string, validTo?: string): void => {
      const l: BatchLink = { type: linkType, sourceKey, fromSourceKey: from, toSourceKey: to, properties, markings, provenance };
      if (validFrom) l.validFrom = validFrom;
      if (validTo) l.validTo = validTo;
      links.push(l);
    };
    switch (type) {
      case 'identity': {
        const name = this.need(o, 'name');
        if (o.identity_class === 'individual') {
          const p: PropertyValues = { fullName: name };
          put(p, 'notes', str(o.description));
          add('Person', p);
        } else {
          const p: PropertyValues = { name };
          put(p, 'notes', str(o.description));
          const sectors = strs(o.sectors);
          if (sectors) p.sector = sectors.join(', ');
          add('Organization', p);
        }
        break;
      }
      case 'threat-actor': {
        const p = this.sdo(id, o, this.need(o, 'name'));
        put(p, 'aliases', strs(o.aliases));
        put(p, 'threatActorTypes', strs(o.threat_actor_types));
        put(p, 'roles', strs(o.roles));
        put(p, 'goals', strs(o.goals));
        put(p, 'sophistication', str(o.sophistication));
        put(p, 'resourceLevel', str(o.resource_level));
        put(p, 'primaryMotivation', str(o.primary_motivation));
        put(p, 'secondaryMotivations', strs(o.secondary_motivations));
        put(p, 'firstSeen', this.time(o, 'first_seen'));
        put(p, 'lastSeen', this.time(o, 'last_seen'));
        add('ThreatActor', p);
        break;
      }
      case 'intrusion-set': {
        const p = this.sdo(id, o, this.need(o, 'name'));
        put(p, 'aliases', strs(o.aliases));
        put(p, 'goals', strs(o.goals));
        put(p, 'resourceLevel', str(o.resource_level));
        put(p, 'primaryMotivation', str(o.primary_motivation));
        put(p, 'secondaryMotivations', strs(o.secondary_motivations));
        put(p, 'firstSeen', this.time(o, 'first_seen'));
        put(p, 'lastSeen', this.time(o, 'last_seen'));
        add('IntrusionSet', p);
        break;
      }
      case 'campaign': {
        const p = this.sdo(id, o, this.need(o, 'name'));
        put(p, 'aliases', strs(o.aliases));
        put(p, 'objective', str(o.objective));
        put(p, 'firstSeen', this.time(o, 'first_seen'));
        put(p, 'lastSeen', this.time(o, 'last_seen'));
        add('Campaign', p);
        break;
      }
      case 'malware': {
        if (typeof o.is_family !== 'boolean') throw new Malformed('required property "is_family" is missing or not a boolean');
        const p = this.sdo(id, o, str(o.name) ?? id);
        put(p, 'aliases', strs(o.aliases));
        put(p, 'malwareTypes', strs(o.malware_types));
        p.isFamily = o.is_family;
        put(p, 'firstSeen', this.time(o, 'first_seen'));
        put(p, 'lastSeen', this.time(o, 'last_seen'));
        put(p, 'capabilities', strs(o.capabilities));
        put(p, 'implementationLanguages', strs(o.implementation_languages));
        put(p, 'architectureExecutionEnvs', strs(o.architecture_execution_envs));
        add('Malware', p);
        break;
      }
      case 'tool': {
        const p = this.sdo(id, o, this.need(o, 'name'));
        put(p, 'aliases', strs(o.aliases));
        put(p, 'toolTypes', strs(o.tool_types));
        put(p, 'toolVersion', str(o.tool_version));
        put(p, 'killChainPhases', killChain(o));
        add('Tool', p);
        break;
      }
      case 'attack-pattern': {
        const p = this.sdo(id, o, this.need(o, 'name'));
        put(p, 'aliases', strs(o.aliases));
        put(p, 'externalId', externalId(o, ['mitre-attack', 'mitre-mobile-attack', 'mitre-ics-attack', 'capec']));
        put(p, 'killChainPhases', killChain(o));
        add('AttackPattern', p);
        break;
      }
      case 'indicator': {
        const pattern = this.need(o, 'pattern');
        const p = this.sdo(id, o, str(o.name) ?? (pattern.length > 200 ? `${pattern.slice(0, 199)}…` : pattern));
        p.pattern = pattern;
        p.patternType = this.need(o, 'pattern_type');
        put(p, 'patternVersion', str(o.pattern_version));
        put(p, 'indicatorTypes', strs(o.indicator_types));
        p.validFrom = this.time(o, 'valid_from', true) as string;
        put(p, 'validUntil', this.time(o, 'valid_until'));
        put(p, 'killChainPhases', killChain(o));
        add('Indicator', p);
        break;
      }
      case 'vulnerability': {
        const p = this.sdo(id, o, this.need(o, 'name'));
        put(p, 'cve', externalId(o, ['cve']));
        add('Vulnerability', p);
        break;
      }
      case 'location': {
        const lat = o.latitude;
        const lon = o.longitude;
        const hasPoint = typeof lat === 'number' && typeof lon === 'number';
        if ((lat !== undefined || lon !== undefined) && !hasPoint) throw new Malformed('"latitude" and "longitude" must both be numbers');
        if (hasPoint && (lat < -90 || lat > 90 || lon < -180 || lon > 180)) throw new Malformed(`latitude ${lat} / longitude ${lon} out of range`);
        const place = [str(o.city), str(o.administrative_area) ?? str(o.region), str(o.country)].filter((x): x is string => x !== undefined);
        const name = str(o.name) ?? (place.length ? place.join(', ') : hasPoint ? `${lat}, ${lon}` : undefined);
        if (name === undefined) throw new Malformed('a location needs a name, a region, a country or coordinates');
        const p: PropertyValues = { name };
        put(p, 'address', str(o.street_address));
        put(p, 'postalCode', str(o.postal_code));
        put(p, 'city', str(o.city));
        put(p, 'country', str(o.country));
        if (hasPoint) p.point = { lat, lon };
        add('Location', p);
        break;
      }
      case 'observed-data': {
        const p: PropertyValues = { stixId: id };
        p.firstObserved = this.time(o, 'first_observed', true) as string;
        p.lastObserved = this.time(o, 'last_observed', true) as string;
        const n = o.number_observed;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new Malformed('"number_observed" must be an integer of at least 1');
        p.numberObserved = n;
        put(p, 'confidence', this.confidence(o));
        put(p, 'labels', strs(o.labels));
        add('Observation', p);
        const refs = Array.isArray(o.object_refs) ? o.object_refs : [];
        if (refs.length === 0 && o.objects !== undefined) throw new Malformed('embedded "objects" (STIX 2.0 style) are not read: use object_refs to SCOs in the bundle');
        refs.forEach((ref, i) => {
          const t = stixType(ref);
          if (t === null) throw new Malformed(`object_refs[${i}] ${JSON.stringify(ref)} is not a STIX identifier`);
          if (STIX_OBJECT_TYPES[t]) link('observed', `${id}/${i}`, id, ref as string, {});
        });
        break;
      }
      case 'ipv4-addr':
      case 'ipv6-addr':
        add('IpAddress', { address: this.need(o, 'value') });
        break;
      case 'domain-name': {
        add('Domain', { name: this.need(o, 'value') });
        const refs = Array.isArray(o.resolves_to_refs) ? o.resolves_to_refs : [];
        refs.forEach((ref, i) => {
          const t = stixType(ref);
          if (t === 'ipv4-addr' || t === 'ipv6-addr') link('resolves_to', `${id}/resolves_to/${i}`, id, ref as string, {});
        });
        break;
      }
      case 'email-addr':
        add('Email', { address: this.need(o, 'value') });
        break;
      case 'url':
        add('Url', { url: this.need(o, 'value') });
        break;
      case 'file': {
        const hashes = (o.hashes ?? {}) as Obj;
        const p: PropertyValues = { stixId: id };
        put(p, 'name', str(o.name));
        if (o.size !== undefined) {
          if (typeof o.size !== 'number' || !Number.isInteger(o.size) || o.size < 0) throw new Malformed('"size" must be a non-negative integer');
          p.size = o.size;
        }
        put(p, 'mimeType', str(o.mime_type));
        put(p, 'md5', str(hashes.MD5));
        put(p, 'sha1', str(hashes['SHA-1']) ?? str(hashes.SHA1));
        put(p, 'sha256', str(hashes['SHA-256']) ?? str(hashes.SHA256));
        put(p, 'sha512', str(hashes['SHA-512']) ?? str(hashes.SHA512));
        if (p.name === undefined && p.md5 === undefined && p.sha1 === undefined && p.sha256 === undefined && p.sha512 === undefined) {
          throw new Malformed('a file needs a name or a hash');
        }
        add('File', p);
        break;
      }
      case 'relationship': {
        const relType = this.need(o, 'relationship_type');
        const from = this.ref(o, 'source_ref');
        const to = this.ref(o, 'target_ref');
        this.endpoint(from, 'source_ref');
        this.endpoint(to, 'target_ref');
        const validFrom = this.time(o, 'start_time');
        const validTo = this.time(o, 'stop_time');
        const own = STIX_RELATIONSHIP_LINKS[relType];
        const description = str(o.description);
        if (own) {
          const p: PropertyValues = { stixId: id };
          put(p, 'description', description);
          put(p, 'confidence', this.confidence(o));
          link(own, id, from, to, p, validFrom, validTo);
        } else if (relType === 'located-at' && stixType(to) === 'location') {
          link('located_at', id, from, to, {}, validFrom, validTo);
        } else {
          link('related_to', id, from, to, { description: description ? `${relType}: ${description}` : relType }, validFrom, validTo);
        }
        break;
      }
      case 'sighting': {
        const of = this.ref(o, 'sighting_of_ref');
        this.endpoint(of, 'sighting_of_ref');
        const where = [...(Array.isArray(o.where_sighted_refs) ? o.where_sighted_refs : []), ...(Array.isArray(o.observed_data_refs) ? o.observed_data_refs : [])];
        if (where.length === 0) throw new Malformed('a sighting needs where_sighted_refs or observed_data_refs: nothing to link');
        const validFrom = this.time(o, 'first_seen');
        const validTo = this.time(o, 'last_seen');
        const count = o.count;
        if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 0)) throw new Malformed('"count" must be a non-negative integer');
        where.forEach((ref, i) => {
          if (stixType(ref) === null) throw new Malformed(`sighting reference ${JSON.stringify(ref)} is not a STIX identifier`);
          this.endpoint(ref as string, 'where_sighted_refs/observed_data_refs');
          const p: PropertyValues = { stixId: id };
          put(p, 'count', count as number | undefined);
          put(p, 'description', str(o.description));
          put(p, 'confidence', this.confidence(o));
          link('sighted', `${id}/${i}`, of, ref as string, p, validFrom, validTo);
        });
        break;
      }
      default:
        return null;
    }
    return { ok: true, objects, links };
  }

  /** A link end must be a STIX type that becomes an ontology object. */
  private endpoint(ref: string, prop: string): void {
    const t = stixType(ref) as string;
    if (!STIX_OBJECT_TYPES[t]) throw new Malformed(`${prop} ${ref} is of type "${t}", which is not mapped to the ontology, so the link has no end`);
  }
}

function killChain(o: Obj): string[] | undefined {
  if (!Array.isArray(o.kill_chain_phases)) return undefined;
  const out: string[] = [];
  for (const k of o.kill_chain_phases) {
    if (k && typeof k === 'object' && typeof (k as Obj).kill_chain_name === 'string' && typeof (k as Obj).phase_name === 'string') {
      out.push(`${(k as Obj).kill_chain_name}:${(k as Obj).phase_name}`);
    }
  }
  return out.length ? out : undefined;
}

function externalId(o: Obj, sources: string[]): string | undefined {
  if (!Array.isArray(o.external_references)) return undefined;
  for (const ref of o.external_references) {
    if (ref && typeof ref === 'object' && sources.includes(String((ref as Obj).source_name)) && typeof (ref as Obj).external_id === 'string') {
      return (ref as Obj).external_id as string;
    }
  }
  return undefined;
}
