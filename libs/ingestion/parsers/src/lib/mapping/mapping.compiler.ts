import {
  ANY_OBJECT_TYPE,
  BatchLink,
  BatchObject,
  LinkType,
  Marking,
  markingSchema,
  ObjectType,
  OntologyDocument,
  PropertyDefinition,
  PropertyValues,
  UNMARKED,
} from '@vigie/ontology-contracts';
import { Document, LineCounter, parseDocument } from 'yaml';
import { Coercer, propertyCoercer, temporalCoercer } from './coerce.util';
import { chain, compileTransform, Transform, ValueRejection } from './transforms.util';

/** One problem in a mapping, located in its text. */
export interface MappingError {
  /** Dotted path inside the mapping: `objects.person.properties.birthDate.transforms[0]`. */
  readonly path: string;
  /** 1-based line and column in the mapping text (of the value at `path`, or its closest parent). */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export type CompileMappingResult = { readonly ok: true; readonly mapping: CompiledMapping } | { readonly ok: false; readonly errors: readonly MappingError[] };

export interface CompileMappingOptions {
  /** The source's columns (e.g. a CSV header): fields the mapping reads must be among them. */
  readonly columns?: readonly string[];
}

/** What a record became: objects and links in the INGEST batch's terms. */
export interface MappedRecord {
  readonly ok: true;
  readonly objects: BatchObject[];
  readonly links: BatchLink[];
}

export interface MappingRejected {
  readonly ok: false;
  readonly reason: string;
}

export interface ApplyContext {
  /** Markings of the job (already checked against the uploader's clearance); default: the mapping's. */
  readonly markings?: Marking;
  /** Provenance of the record: its key in the job (e.g. its index) and line. */
  readonly recordKey?: string;
  readonly line?: number;
}

type Rec = Record<string, unknown>;
type Getter = (record: Rec) => unknown;

interface CompiledProperty {
  readonly name: string;
  readonly field: string;
  readonly get: Getter;
  readonly transform: Transform | null;
  readonly coerce: Coercer;
  readonly fallback: unknown;
  readonly required: boolean;
}

interface CompiledObject {
  readonly alias: string;
  readonly type: string;
  readonly key: Template;
  readonly optional: boolean;
  readonly properties: CompiledProperty[];
}

interface CompiledLink {
  readonly type: string;
  readonly from: number;
  readonly to: number;
  readonly key: Template | null;
  readonly properties: CompiledProperty[];
  readonly validFrom: CompiledProperty | null;
  readonly validTo: CompiledProperty | null;
}

interface Template {
  readonly text: string;
  readonly fields: string[];
  /** The filled template, or the first empty field's name as `{ empty }`. */
  readonly fill: (record: Rec) => string | { empty: string };
}

/** A mapping checked against an ontology, ready to apply to records (see `applyMapping`). */
export interface CompiledMapping {
  readonly version: 1;
  readonly name?: string;
  /** Markings of a job that states none at upload. */
  readonly markings: Marking;
  /** Every source field the mapping reads. */
  readonly fields: readonly string[];
  readonly objects: readonly { alias: string; type: string; optional: boolean }[];
  readonly links: readonly { type: string; from: string; to: string }[];
  /** @internal */
  readonly plan: { objects: CompiledObject[]; links: CompiledLink[] };
}

const ALIAS = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const TOP_KEYS = ['version', 'name', 'description', 'markings', 'objects', 'links'];
const OBJECT_KEYS = ['type', 'key', 'optional', 'properties'];
const LINK_KEYS = ['type', 'from', 'to', 'key', 'properties', 'validFrom', 'validTo'];
const VALUE_KEYS = ['field', 'template', 'concat', 'const', 'geo', 'transforms', 'default', 'required'];
const SOURCE_KEYS = ['field', 'template', 'concat', 'const', 'geo'];

type Path = (string | number)[];

class Collector {
  readonly errors: MappingError[] = [];
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  add(path: Path, message: string): void {
    let node: unknown = null;
    for (let depth = path.length; depth >= 0 && !node; depth--) {
      const candidate = depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true);
      if (candidate && typeof candidate === 'object' && 'range' in candidate) node = candidate;
    }
    const range = (node as { range?: [number, number, number] } | null)?.range;
    const pos = range ? this.lines.linePos(range[0]) : { line: 1, col: 1 };
    this.errors.push({ path: formatPath(path), line: pos.line, column: pos.col, message });
  }
}

function formatPath(path: Path): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc === '' ? part : `${acc}.${part}`), '') || '(root)';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkKeys(c: Collector, path: Path, value: Record<string, unknown>, allowed: string[], what: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) c.add([...path, key], `unknown key "${key}" in ${what} (expected ${allowed.join(', ')})`);
  }
}

/** Reads a field: a key of the record, else a dotted path into nested JSON (`address.city`, `tags.0`). */
function fieldGetter(field: string): Getter {
  if (!field.includes('.')) return (record) => record[field];
  const parts = field.split('.');
  return (record) => {
    if (field in record) return record[field];
    let v: unknown = record;
    for (const part of parts) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Rec)[part];
    }
    return v;
  };
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

const PLACEHOLDER = /\{([^{}]+)\}/g;

function compileTemplate(c: Collector, path: Path, source: unknown, fields: Set<string>): Template | null {
  if (typeof source !== 'string' || source.trim() === '') {
    c.add(path, 'a template is a text with {field} placeholders, e.g. "person:{id}"');
    return null;
  }
  const parts: (string | Getter)[] = [];
  const used: string[] = [];
  let last = 0;
  for (const m of source.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(source.slice(last, m.index));
    const field = m[1].trim();
    used.push(field);
    fields.add(field);
    parts.push(fieldGetter(field));
    last = m.index + m[0].length;
  }
  if (last < source.length) parts.push(source.slice(last));
  if (/[{}]/.test(source.replace(PLACEHOLDER, ''))) {
    c.add(path, `unbalanced "{" or "}" in template "${source}"`);
    return null;
  }
  const names = used;
  const fill = (record: Rec): string | { empty: string } => {
    let out = '';
    let f = 0;
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else {
        const value = text(part(record)).trim();
        if (value === '') return { empty: names[f] };
        out += value;
        f++;
      }
    }
    return out;
  };
  return { text: source, fields: used, fill };
}

interface ValueSpecResult {
  get: Getter;
  field: string;
  transform: Transform | null;
  fallback: unknown;
  required: boolean;
  producesList: boolean;
}

function compileValue(c: Collector, path: Path, spec: unknown, fields: Set<string>): ValueSpecResult | null {
  if (typeof spec === 'string') {
    if (spec === '') {
      c.add(path, 'a field name must not be empty');
      return null;
    }
    fields.add(spec);
    return { get: fieldGetter(spec), field: spec, transform: null, fallback: undefined, required: false, producesList: false };
  }
  if (!isObject(spec)) {
    c.add(path, 'a value is a field name, or an object with one of field, template, concat, const, geo');
    return null;
  }
  checkKeys(c, path, spec, VALUE_KEYS, 'a value');
  const sources = SOURCE_KEYS.filter((k) => k in spec);
  if (sources.length !== 1) {
    c.add(path, sources.length === 0 ? 'a value needs one of field, template, concat, const, geo' : `a value takes one source, not ${sources.join(' and ')}`);
    return null;
  }
  let get: Getter | null = null;
  let field = '';
  const kind = sources[0];
  const at = [...path, kind];
  switch (kind) {
    case 'field':
      if (typeof spec.field !== 'string' || spec.field === '') c.add(at, 'field must be a non-empty field name');
      else {
        field = spec.field;
        fields.add(field);
        get = fieldGetter(field);
      }
      break;
    case 'template': {
      const template = compileTemplate(c, at, spec.template, fields);
      if (template) {
        field = template.fields.join('+');
        get = (record) => {
          const filled = template.fill(record);
          return typeof filled === 'string' ? filled : undefined;
        };
      }
      break;
    }
    case 'concat': {
      const concat = spec.concat;
      const list = Array.isArray(concat) ? concat : isObject(concat) ? concat.fields : undefined;
      const separator = isObject(concat) && concat.separator !== undefined ? concat.separator : ' ';
      if (!Array.isArray(list) || list.length === 0 || list.some((f) => typeof f !== 'string' || f === '')) {
        c.add(at, 'concat needs a list of fields: [first, last] or { fields: [first, last], separator: " " }');
      } else if (typeof separator !== 'string') {
        c.add([...at, 'separator'], 'separator must be a text');
      } else {
        const getters = (list as string[]).map((f) => {
          fields.add(f);
          return fieldGetter(f);
        });
        field = (list as string[]).join('+');
        get = (record) => {
          let out = '';
          for (const g of getters) {
            const value = text(g(record)).trim();
            if (value === '') continue;
            out = out === '' ? value : out + separator + value;
          }
          return out;
        };
      }
      break;
    }
    case 'const': {
      const constant = spec.const;
      field = '(constant)';
      get = () => constant;
      break;
    }
    case 'geo': {
      const geo = spec.geo;
      if (!isObject(geo) || typeof geo.lat !== 'string' || typeof geo.lon !== 'string') {
        c.add(at, 'geo needs { lat: <field>, lon: <field> }');
      } else {
        const lat = fieldGetter(geo.lat);
        const lon = fieldGetter(geo.lon);
        fields.add(geo.lat);
        fields.add(geo.lon);
        field = `${geo.lat}+${geo.lon}`;
        get = (record) => ({ lat: lat(record), lon: lon(record) });
      }
      break;
    }
  }
  const transforms: Transform[] = [];
  let producesList = false;
  if (spec.transforms !== undefined) {
    if (!Array.isArray(spec.transforms)) c.add([...path, 'transforms'], 'transforms must be a list, e.g. [trim, upper]');
    else
      spec.transforms.forEach((t, i) => {
        try {
          const compiled = compileTransform(t);
          transforms.push(compiled.transform);
          producesList ||= compiled.producesList;
        } catch (error) {
          c.add([...path, 'transforms', i], (error as Error).message);
        }
      });
  }
  if (spec.required !== undefined && typeof spec.required !== 'boolean') c.add([...path, 'required'], 'required must be true or false');
  if (!get) return null;
  return { get, field, transform: chain(transforms), fallback: spec.default, required: spec.required === true, producesList };
}

function compileProperty(c: Collector, path: Path, name: string, spec: unknown, def: PropertyDefinition, fields: Set<string>): CompiledProperty | null {
  const value = compileValue(c, path, spec, fields);
  if (!value) return null;
  if (value.producesList && !def.multiple) c.add(path, `split makes a list, but property ${name} holds one value (it is not multiple)`);
  const coerce = propertyCoercer(def);
  if (value.fallback !== undefined) {
    const coerced = coerce(value.fallback);
    if (coerced instanceof ValueRejection) c.add([...path, 'default'], `default: ${coerced.message}`);
  }
  if (isObject(spec) && 'const' in spec) {
    const coerced = coerce(value.transform ? value.transform(spec.const) : spec.const);
    if (coerced instanceof ValueRejection) c.add([...path, 'const'], `const: ${coerced.message}`);
  }
  return { name, field: value.field, get: value.get, transform: value.transform, coerce, fallback: value.fallback, required: value.required || def.required };
}

function compileProperties(c: Collector, path: Path, specs: unknown, defs: readonly PropertyDefinition[], owner: string, fields: Set<string>): CompiledProperty[] {
  if (specs === undefined) return [];
  if (!isObject(specs)) {
    c.add(path, 'properties must map property names to values');
    return [];
  }
  const out: CompiledProperty[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const def = defs.find((d) => d.name === name);
    if (!def) {
      const known = defs.map((d) => d.name);
      c.add([...path, name], `${owner} has no property "${name}"${known.length ? ` (it has ${known.join(', ')})` : ''}`);
      continue;
    }
    const compiled = compileProperty(c, [...path, name], name, spec, def, fields);
    if (compiled) out.push(compiled);
  }
  return out;
}

function typeAllowed(end: readonly string[], type: string): boolean {
  return end.includes(ANY_OBJECT_TYPE) || end.includes(type);
}

/**
 * Parses a mapping (YAML, or JSON — YAML's subset) and checks it against the ontology: object
 * and link types exist, properties exist on their type, values fit the property kinds, link ends
 * are allowed, required properties are covered, transforms and date formats are valid, and (with
 * `columns`) every field read exists in the source. Every error names its path and line.
 */
export function compileMapping(source: string, ontology: OntologyDocument, options: CompileMappingOptions = {}): CompileMappingResult {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
        return { path: '(syntax)', line: pos.line, column: pos.col, message: e.message.split('\n')[0] };
      }),
    };
  }
  const c = new Collector(doc, lines);
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias with no anchor (`*y`) or an alias bomb: a mistake in the mapping, not a crash.
    return { ok: false, errors: [{ path: '(syntax)', line: 1, column: 1, message: `the mapping cannot be read: ${(error as Error).message}` }] };
  }
  if (!isObject(root)) {
    c.add([], 'a mapping is an object with version, objects and links');
    return { ok: false, errors: c.errors };
  }
  checkKeys(c, [], root, TOP_KEYS, 'the mapping');
  if (root.version !== 1) c.add(['version'], `version must be 1${root.version === undefined ? ' (missing)' : `, not ${JSON.stringify(root.version)}`}`);
  if (root.name !== undefined && typeof root.name !== 'string') c.add(['name'], 'name must be a text');
  let markings: Marking = UNMARKED;
  if (root.markings !== undefined) {
    const parsed = markingSchema.safeParse(root.markings);
    if (!parsed.success) for (const issue of parsed.error.issues) c.add(['markings', ...(issue.path as Path)], `markings: ${issue.message}`);
    else markings = parsed.data;
  }
  const fields = new Set<string>();
  const objects: CompiledObject[] = [];
  const aliases = new Map<string, ObjectType>();
  if (!isObject(root.objects) || Object.keys(root.objects).length === 0) {
    c.add(['objects'], 'objects must map at least one alias to { type, key, properties }');
  } else {
    for (const [alias, spec] of Object.entries(root.objects)) {
      const path: Path = ['objects', alias];
      if (!ALIAS.test(alias)) c.add(path, `alias "${alias}" must be letters, digits, "_" or "-" (starting with a letter)`);
      if (!isObject(spec)) {
        c.add(path, 'an object mapping is { type, key, properties }');
        continue;
      }
      checkKeys(c, path, spec, OBJECT_KEYS, 'an object mapping');
      const type = ontology.objectTypes.find((t) => t.name === spec.type);
      if (typeof spec.type !== 'string') c.add([...path, 'type'], 'type must name an object type of the ontology');
      else if (!type) c.add([...path, 'type'], `unknown object type "${spec.type}" (the ontology has ${ontology.objectTypes.map((t) => t.name).join(', ')})`);
      if (spec.optional !== undefined && typeof spec.optional !== 'boolean') c.add([...path, 'optional'], 'optional must be true or false');
      const key = spec.key === undefined ? (c.add(path, 'key is required: a template of the fields that identify the object in its source, e.g. "person:{id}"'), null) : compileTemplate(c, [...path, 'key'], spec.key, fields);
      if (!type) continue;
      aliases.set(alias, type);
      const properties = compileProperties(c, [...path, 'properties'], spec.properties, type.properties, `object type ${type.name}`, fields);
      for (const def of type.properties) {
        if (def.required && !properties.some((p) => p.name === def.name)) {
          c.add([...path, 'properties'], `required property ${def.name} of ${type.name} is not mapped`);
        }
      }
      if (key) objects.push({ alias, type: type.name, key, optional: spec.optional === true, properties });
    }
  }
  const links: CompiledLink[] = [];
  if (root.links !== undefined && !Array.isArray(root.links)) c.add(['links'], 'links must be a list');
  else
    (root.links ?? []).forEach((spec: unknown, i: number) => {
      const path: Path = ['links', i];
      if (!isObject(spec)) {
        c.add(path, 'a link mapping is { type, from, to, properties }');
        return;
      }
      checkKeys(c, path, spec, LINK_KEYS, 'a link mapping');
      const type: LinkType | undefined = ontology.linkTypes.find((t) => t.name === spec.type);
      if (!type) c.add([...path, 'type'], `unknown link type ${JSON.stringify(spec.type)} (the ontology has ${ontology.linkTypes.map((t) => t.name).join(', ')})`);
      const ends = (['from', 'to'] as const).map((end) => {
        const alias = spec[end];
        if (typeof alias !== 'string' || !aliases.has(alias)) {
          c.add([...path, end], `${end} must name an object alias of this mapping (${[...aliases.keys()].join(', ') || 'none'})`);
          return -1;
        }
        const objectType = aliases.get(alias) as ObjectType;
        if (type && !typeAllowed(type[end], objectType.name)) {
          c.add([...path, end], `link type ${type.name} does not allow ${objectType.name} at its "${end}" end (allowed: ${type[end].join(', ')})`);
        }
        return objects.findIndex((o) => o.alias === alias);
      });
      if (ends[0] !== -1 && ends[0] === ends[1]) c.add([...path, 'to'], 'a link needs two different objects of the record');
      const key = spec.key === undefined ? null : compileTemplate(c, [...path, 'key'], spec.key, fields);
      const properties = type ? compileProperties(c, [...path, 'properties'], spec.properties, type.properties, `link type ${type.name}`, fields) : [];
      if (type) {
        for (const def of type.properties) {
          if (def.required && !properties.some((p) => p.name === def.name)) c.add([...path, 'properties'], `required property ${def.name} of link type ${type.name} is not mapped`);
        }
      }
      const bound = (name: 'validFrom' | 'validTo'): CompiledProperty | null => {
        if (spec[name] === undefined) return null;
        if (type && !type.hasValidity) c.add([...path, name], `link type ${type.name} has no validity interval`);
        const value = compileValue(c, [...path, name], spec[name], fields);
        if (!value) return null;
        return { name, field: value.field, get: value.get, transform: value.transform, coerce: temporalCoercer(name), fallback: value.fallback, required: value.required };
      };
      const validFrom = bound('validFrom');
      const validTo = bound('validTo');
      if (type && ends[0] >= 0 && ends[1] >= 0) links.push({ type: type.name, from: ends[0], to: ends[1], key, properties, validFrom, validTo });
    });
  if (options.columns) {
    const columns = new Set(options.columns);
    for (const field of fields) {
      const top = field.split('.')[0];
      if (!columns.has(field) && !columns.has(top)) {
        const where = findFieldPath(root, field);
        c.add(where, `field "${field}" is not a column of the source (columns: ${options.columns.slice(0, 30).join(', ')}${options.columns.length > 30 ? ', …' : ''})`);
      }
    }
  }
  if (c.errors.length > 0) return { ok: false, errors: c.errors };
  return {
    ok: true,
    mapping: {
      version: 1,
      name: typeof root.name === 'string' ? root.name : undefined,
      markings,
      fields: [...fields],
      objects: objects.map((o) => ({ alias: o.alias, type: o.type, optional: o.optional })),
      links: links.map((l) => ({ type: l.type, from: objects[l.from].alias, to: objects[l.to].alias })),
      plan: { objects, links },
    },
  };
}

/** The path of the first place a field is read (for an error on an unknown column). */
function findFieldPath(root: unknown, field: string): Path {
  const walk = (node: unknown, path: Path): Path | null => {
    if (typeof node === 'string') return node === field || node.includes(`{${field}}`) ? path : null;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const found = walk(node[i], [...path, i]);
        if (found) return found;
      }
      return null;
    }
    if (isObject(node)) {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'const' || k === 'default' || k === 'transforms') continue;
        const found = walk(v, [...path, k]);
        if (found) return found;
      }
    }
    return null;
  };
  return walk(root, []) ?? [];
}

function runProperty(p: CompiledProperty, record: Rec): unknown {
  let value = p.get(record);
  if (p.transform !== null && value !== undefined && value !== null) value = p.transform(value);
  if (value instanceof ValueRejection) return value;
  if (typeof value === 'string' && p.transform === null) value = value.trim();
  let coerced = p.coerce(value);
  if (coerced === undefined && p.fallback !== undefined) coerced = p.coerce(p.fallback);
  if (coerced === undefined && p.required) return new ValueRejection(`required property ${p.name} is empty`);
  return coerced;
}

function fillProperties(props: CompiledProperty[], record: Rec, owner: string): PropertyValues | ValueRejection {
  const out: PropertyValues = {};
  for (let i = 0; i < props.length; i++) {
    const p = props[i];
    const value = runProperty(p, record);
    if (value === undefined) continue;
    if (value instanceof ValueRejection) return new ValueRejection(`${owner}: ${value.message} (from ${p.field === '(constant)' ? 'a constant' : `field "${p.field}"`})`);
    out[p.name] = value as PropertyValues[string];
  }
  return out;
}

/**
 * Maps one record to objects and links. An object whose key fields are empty is left out when
 * `optional` (with its links), otherwise the record is rejected; a value that does not fit its
 * property rejects the record, naming the object, the property, the field and the value.
 */
export function applyMapping(mapping: CompiledMapping, record: Rec, context: ApplyContext = {}): MappedRecord | MappingRejected {
  const { objects: plans, links: linkPlans } = mapping.plan;
  const markings = context.markings ?? mapping.markings;
  const provenance = context.line === undefined && context.recordKey === undefined ? {} : { recordKey: context.recordKey, line: context.line };
  const objects: BatchObject[] = [];
  const keys: (string | null)[] = new Array(plans.length);
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i];
    const key = plan.key.fill(record);
    if (typeof key !== 'string') {
      keys[i] = null;
      if (plan.optional) continue;
      return { ok: false, reason: `object ${plan.alias} (${plan.type}): its key "${plan.key.text}" cannot be built, field "${key.empty}" is empty` };
    }
    const properties = fillProperties(plan.properties, record, `object ${plan.alias} (${plan.type})`);
    if (properties instanceof ValueRejection) return { ok: false, reason: properties.message };
    keys[i] = key;
    objects.push({ type: plan.type, sourceKey: key, properties, markings, provenance });
  }
  const links: BatchLink[] = [];
  for (let i = 0; i < linkPlans.length; i++) {
    const plan = linkPlans[i];
    const from = keys[plan.from];
    const to = keys[plan.to];
    if (from === null || to === null) continue;
    const owner = `link ${plan.type}`;
    const properties = fillProperties(plan.properties, record, owner);
    if (properties instanceof ValueRejection) return { ok: false, reason: properties.message };
    const link: BatchLink = { type: plan.type, fromSourceKey: from, toSourceKey: to, properties, markings, provenance };
    if (plan.key) {
      const key = plan.key.fill(record);
      if (typeof key !== 'string') return { ok: false, reason: `${owner}: its key "${plan.key.text}" cannot be built, field "${key.empty}" is empty` };
      link.sourceKey = key;
    }
    for (const bound of [plan.validFrom, plan.validTo]) {
      if (!bound) continue;
      const value = runProperty(bound, record);
      if (value instanceof ValueRejection) return { ok: false, reason: `${owner}: ${value.message} (from field "${bound.field}")` };
      if (typeof value === 'string') link[bound.name as 'validFrom' | 'validTo'] = value;
    }
    links.push(link);
  }
  return { ok: true, objects, links };
}

