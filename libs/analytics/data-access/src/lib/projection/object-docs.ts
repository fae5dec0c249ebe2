import type { Marking, ObjectView, OntologyDocument, PropertyEntry, PropertyScalar } from '@vigie/ontology-contracts';
import { levelRank } from '@vigie/shared-policy';
import { normaliseName, skeletonsOfNormalised, transliterate } from '../text/name-normaliser.util';

/** A marking as stored: level rank (NP = 0 … TS = 3) and a sorted compartment set. */
export interface StoredMarking {
  level: number;
  compartments: string[];
}

export function storedMarking(m: Marking): StoredMarking {
  return { level: levelRank(m.level), compartments: [...new Set(m.compartments)].sort() };
}

/** What a reader must hold to see both: the higher level and the union of compartments. */
export function joinMarkings(a: StoredMarking, b: StoredMarking): StoredMarking {
  return { level: Math.max(a.level, b.level), compartments: [...new Set([...a.compartments, ...b.compartments])].sort() };
}

/** The marking a property is read under: its object's joined with its own — the object's itself (no new arrays) when its own adds nothing. */
function effectiveMarking(base: StoredMarking, own: Marking): StoredMarking {
  if (levelRank(own.level) <= base.level && own.compartments.every((c) => base.compartments.includes(c))) return base;
  return joinMarkings(base, storedMarking(own));
}

const markingKey = (m: StoredMarking) => `${m.level}|${m.compartments.join(',')}`;

/**
 * One searchable document of an object: the properties that share one effective marking (the
 * object's marking joined with the property's). Seq 0 holds the properties readable by anyone who
 * sees the object; a property marked higher lives in its own document, which only readers
 * cleared for it can match, facet, filter or highlight.
 */
export interface SearchDoc {
  seq: number;
  marking: StoredMarking;
  /** Property name → display text (string values joined), for highlights and text filters. */
  fields: Record<string, string>;
  /** Property name → value as stored (for filters and facets). */
  props: Record<string, PropertyEntry['value']>;
  /** Title (weight A) and the rest of the text, for the French/English/simple vectors. */
  titleText: string;
  bodyText: string;
  /** Normalised, transliterated names (trigram matching). */
  names: string;
  /** Consonant skeletons of the names, space-separated. */
  skeletons: string;
  at: string | null;
  lat: number | null;
  lon: number | null;
}

export interface ObjectProjection {
  marking: StoredMarking;
  deleted: boolean;
  title: string | null;
  titleMarking: StoredMarking;
  docs: SearchDoc[];
}

const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const isGeo = (v: unknown): v is { lat: number; lon: number } =>
  typeof v === 'object' && v !== null && typeof (v as { lat?: unknown }).lat === 'number' && typeof (v as { lon?: unknown }).lon === 'number';

function scalars(value: PropertyEntry['value']): PropertyScalar[] {
  return Array.isArray(value) ? value : [value];
}

function textOf(value: PropertyEntry['value']): string {
  return scalars(value)
    .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
    .map(String)
    .join(' · ');
}

/** A short string that reads as a name or an identifier (not a paragraph, not a date). */
function isNameLike(v: string): boolean {
  return v.length <= 120 && v.split(/\s+/).length <= 8 && !DATE.test(v);
}

export interface TypeHints {
  titleProperty?: string;
  timeProperty?: string;
  geoProperty?: string;
  nameProperties: Set<string>;
}

/** What the tenant's ontology says about a type (when its document has been seen), else nothing. */
export function typeHints(doc: OntologyDocument | undefined, type: string): TypeHints {
  const t = doc?.objectTypes.find((o) => o.name === type);
  return {
    titleProperty: t?.titleProperty,
    timeProperty: t?.timeProperty,
    geoProperty: t?.geoProperty,
    nameProperties: new Set([...(t?.resolution?.nameProperties ?? []), ...(t ? [t.titleProperty] : [])]),
  };
}

/** Splits an object's full state into marking-homogeneous search documents. */
export function projectObject(object: ObjectView, hints: TypeHints): ObjectProjection {
  const base = storedMarking(object.markings);
  const groups = new Map<string, SearchDoc>();
  const groupFor = (m: StoredMarking): SearchDoc => {
    const key = markingKey(m);
    let doc = groups.get(key);
    if (!doc) {
      doc = { seq: 0, marking: m, fields: {}, props: {}, titleText: '', bodyText: '', names: '', skeletons: '', at: null, lat: null, lon: null };
      groups.set(key, doc);
    }
    return doc;
  };
  groupFor(base);

  const entries = Object.entries(object.properties);
  const titleProperty =
    hints.titleProperty && object.properties[hints.titleProperty]
      ? hints.titleProperty
      : object.title !== null
        ? entries.find(([, e]) => scalars(e.value).some((v) => v === object.title))?.[0]
        : undefined;
  const timeProperty =
    hints.timeProperty && object.properties[hints.timeProperty]
      ? hints.timeProperty
      : entries.find(([, e]) => scalars(e.value).some((v) => typeof v === 'string' && DATE.test(v)))?.[0];
  const geoProperty =
    hints.geoProperty && object.properties[hints.geoProperty] ? hints.geoProperty : entries.find(([, e]) => scalars(e.value).some(isGeo))?.[0];

  let titleMarking = base;
  const names = new Map<SearchDoc, string[]>();
  for (const [name, entry] of entries) {
    const eff = effectiveMarking(base, entry.marking);
    const doc = groupFor(eff);
    doc.props[name] = entry.value;
    const text = textOf(entry.value);
    if (text) doc.fields[name] = text;
    if (name === titleProperty) {
      titleMarking = eff;
      doc.titleText = [doc.titleText, text].filter(Boolean).join(' ');
    } else if (text) {
      doc.bodyText = [doc.bodyText, text].filter(Boolean).join('\n');
    }
    const nameValues = scalars(entry.value).filter(
      (v): v is string => typeof v === 'string' && (name === titleProperty || hints.nameProperties.has(name) || isNameLike(v)),
    );
    if (nameValues.length) names.set(doc, [...(names.get(doc) ?? []), ...nameValues]);
    if (name === timeProperty && doc.at === null) {
      const first = scalars(entry.value).find((v): v is string => typeof v === 'string' && DATE.test(v));
      if (first) doc.at = first.length === 10 ? `${first}T00:00:00Z` : first;
    }
    if (name === geoProperty && doc.lat === null) {
      const point = scalars(entry.value).find(isGeo);
      if (point) {
        doc.lat = point.lat;
        doc.lon = point.lon;
      }
    }
  }
  // A title the ontology computed without a matching property: readable with the object itself.
  if (object.title !== null && !titleProperty) {
    const doc = groupFor(base);
    doc.titleText = object.title;
    names.set(doc, [...(names.get(doc) ?? []), object.title]);
  }
  for (const [doc, values] of names) {
    // Each value normalised once: for the names and for the skeletons (`nameSkeletons` = skeletons of the normalised name).
    const normalised = values.map(normaliseName);
    doc.names = [...new Set(normalised)].filter(Boolean).join(' | ');
    doc.skeletons = [...new Set(normalised.flatMap(skeletonsOfNormalised))].join(' ');
    // Transliterated names also feed the simple-config vector, so full text finds Latin forms.
    const latin = values.map(transliterate).filter((v, i) => v !== values[i]);
    if (latin.length) doc.bodyText = [doc.bodyText, ...latin].filter(Boolean).join('\n');
  }
  const docs = [...groups.values()].sort((a, b) => {
    if (a === groups.get(markingKey(base))) return -1;
    if (b === groups.get(markingKey(base))) return 1;
    return markingKey(a.marking).localeCompare(markingKey(b.marking));
  });
  docs.forEach((d, i) => (d.seq = i));
  return {
    marking: base,
    deleted: object.deletedAt !== null,
    title: object.title,
    titleMarking,
    docs,
  };
}
