import { z } from 'zod';
import { markingSchema } from './marking.schema';

/**
 * The ontology is data: object types with typed properties and link types, in one versioned
 * document. These schemas check the shape; `@vigie/ontology-domain` checks the meaning
 * (unknown types in links, identity keys that are not identifiers, …) and compatibility of a
 * change with stored data.
 */

/** Identifier normalisers: each turns a raw identifier into one canonical form, or refuses it. */
export const IDENTIFIER_NORMALISERS = [
  'phone',
  'email',
  'iban',
  'passport',
  'national-id',
  'licence-plate',
  'vin',
  'imei',
  'ipv4',
  'ipv6',
  'ip',
  'domain',
  'url',
  'hash',
  'stix-id',
  'generic',
] as const;
export type IdentifierNormaliser = (typeof IDENTIFIER_NORMALISERS)[number];
export const identifierNormaliserSchema = z.enum(IDENTIFIER_NORMALISERS);

export const PROPERTY_KINDS = [
  'string',
  'text',
  'number',
  'boolean',
  'date',
  'datetime',
  'geo-point',
  'enum',
  'identifier',
] as const;
export type PropertyKind = (typeof PROPERTY_KINDS)[number];

/** `PascalCase` object type names: `Person`, `ThreatActor`. */
export const OBJECT_TYPE_NAME = /^[A-Z][A-Za-z0-9]{0,63}$/;
/** `snake_case` link type names: `works_for`, `located_at`. */
export const LINK_TYPE_NAME = /^[a-z][a-z0-9_]{0,63}$/;
/** Property names: `camelCase`, underscores allowed so STIX names (`stix_id`) fit unchanged. */
export const PROPERTY_NAME = /^[a-z][A-Za-z0-9_]{0,63}$/;
/** Enum values: a stable machine token; labels live in the UI. */
export const ENUM_VALUE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export const localisedLabelSchema = z.object({
  fr: z.string().min(1).max(200),
  en: z.string().min(1).max(200),
});
export type LocalisedLabel = z.infer<typeof localisedLabelSchema>;

const propertyBase = {
  name: z.string().regex(PROPERTY_NAME, 'property name must be camelCase (letters, digits, "_"), starting with a lowercase letter'),
  label: localisedLabelSchema,
  description: z.string().max(2000).optional(),
  /** A value must be present on create. */
  required: z.boolean().default(false),
  /** The value is a list (e.g. several aliases, several phone numbers). */
  multiple: z.boolean().default(false),
  /** Indexed by analytics for full-text / fuzzy search. */
  searchable: z.boolean().default(false),
  /** Marking given to values of this property when the writer states none (e.g. a tax number at DR). */
  defaultMarking: markingSchema.optional(),
};

export const stringPropertySchema = z.object({
  ...propertyBase,
  kind: z.literal('string'),
  maxLength: z.number().int().positive().max(10_000).optional(),
});
export const textPropertySchema = z.object({ ...propertyBase, kind: z.literal('text') });
export const numberPropertySchema = z.object({
  ...propertyBase,
  kind: z.literal('number'),
  integer: z.boolean().default(false),
  min: z.number().optional(),
  max: z.number().optional(),
  unit: z.string().max(32).optional(),
});
export const booleanPropertySchema = z.object({ ...propertyBase, kind: z.literal('boolean') });
export const datePropertySchema = z.object({ ...propertyBase, kind: z.literal('date') });
export const datetimePropertySchema = z.object({ ...propertyBase, kind: z.literal('datetime') });
export const geoPointPropertySchema = z.object({ ...propertyBase, kind: z.literal('geo-point') });
export const enumPropertySchema = z.object({
  ...propertyBase,
  kind: z.literal('enum'),
  values: z
    .array(z.string().regex(ENUM_VALUE, 'enum value must be lowercase letters, digits, "_", "." or "-"'))
    .min(1)
    .max(500),
});
export const identifierPropertySchema = z.object({
  ...propertyBase,
  kind: z.literal('identifier'),
  normaliser: identifierNormaliserSchema,
  /** Default ISO 3166-1 alpha-2 region for phone numbers, passports and national IDs without one. */
  defaultCountry: z.string().regex(/^[A-Z]{2}$/, 'defaultCountry must be an ISO 3166-1 alpha-2 code').optional(),
});

export const propertyDefinitionSchema = z.discriminatedUnion('kind', [
  stringPropertySchema,
  textPropertySchema,
  numberPropertySchema,
  booleanPropertySchema,
  datePropertySchema,
  datetimePropertySchema,
  geoPointPropertySchema,
  enumPropertySchema,
  identifierPropertySchema,
]);
export type PropertyDefinition = z.infer<typeof propertyDefinitionSchema>;
export type PropertyDefinitionInput = z.input<typeof propertyDefinitionSchema>;

/**
 * An identifier property that gives a deterministic entity-resolution key. `strong` (passport,
 * national ID): the same value means the same entity. `weak` (phone, e-mail): shared values are
 * evidence, never enough alone — people share phones.
 */
export const identityKeySchema = z.object({
  property: z.string().regex(PROPERTY_NAME),
  strength: z.enum(['strong', 'weak']).default('strong'),
});
export type IdentityKey = z.infer<typeof identityKeySchema>;

/**
 * Which properties entity resolution reads for fuzzy matching of this type. `person` compares
 * names, birth date and birth place; `organization` names (and the place as a seat); `none`
 * resolves by identity keys only.
 */
export const resolutionProfileSchema = z.object({
  profile: z.enum(['person', 'organization', 'none']),
  nameProperties: z.array(z.string().regex(PROPERTY_NAME)).default([]),
  birthDateProperty: z.string().regex(PROPERTY_NAME).optional(),
  placeProperty: z.string().regex(PROPERTY_NAME).optional(),
  genderProperty: z.string().regex(PROPERTY_NAME).optional(),
});
export type ResolutionProfile = z.infer<typeof resolutionProfileSchema>;

export const objectTypeSchema = z.object({
  name: z.string().regex(OBJECT_TYPE_NAME, 'object type name must be PascalCase (e.g. ThreatActor)'),
  label: localisedLabelSchema,
  description: z.string().max(2000).optional(),
  /** Icon name for the console (free token). */
  icon: z.string().max(64).optional(),
  properties: z.array(propertyDefinitionSchema).max(200),
  identityKeys: z.array(identityKeySchema).default([]),
  /** The property shown as the object's title. */
  titleProperty: z.string().regex(PROPERTY_NAME),
  /** A `geo-point` property that places the object on a map. */
  geoProperty: z.string().regex(PROPERTY_NAME).optional(),
  /** A `date`/`datetime` property that places the object on a timeline. */
  timeProperty: z.string().regex(PROPERTY_NAME).optional(),
  resolution: resolutionProfileSchema.optional(),
});
export type ObjectType = z.infer<typeof objectTypeSchema>;
export type ObjectTypeInput = z.input<typeof objectTypeSchema>;

/** `*` in a link type's `from`/`to` means any object type. */
export const ANY_OBJECT_TYPE = '*';

const linkEndNameSchema = z.union([
  z.literal(ANY_OBJECT_TYPE),
  z.string().regex(OBJECT_TYPE_NAME, 'link end must be an object type name or "*"'),
]);
/** One type name, `*`, or a list of them; always read as a list (so a parsed link type parses again). */
const linkEndSchema = z
  .union([linkEndNameSchema, z.array(linkEndNameSchema).min(1)])
  .transform((end) => (Array.isArray(end) ? end : [end]));

export const linkTypeSchema = z.object({
  name: z.string().regex(LINK_TYPE_NAME, 'link type name must be snake_case (e.g. works_for)'),
  label: localisedLabelSchema,
  description: z.string().max(2000).optional(),
  /** Allowed types at the start of the link (`["*"]` = any). */
  from: linkEndSchema,
  /** Allowed types at the end of the link (`["*"]` = any). */
  to: linkEndSchema,
  directed: z.boolean(),
  properties: z.array(propertyDefinitionSchema).max(100).default([]),
  /** Links of this type carry a validity interval (`validFrom`, `validTo`). */
  hasValidity: z.boolean().default(false),
});
export type LinkType = z.infer<typeof linkTypeSchema>;
export type LinkTypeInput = z.input<typeof linkTypeSchema>;

/** The whole ontology of a tenant at one version. */
export const ontologyDocumentSchema = z.object({
  version: z.number().int().positive(),
  objectTypes: z.array(objectTypeSchema).max(500),
  linkTypes: z.array(linkTypeSchema).max(500),
});
export type OntologyDocument = z.infer<typeof ontologyDocumentSchema>;
export type OntologyDocumentInput = z.input<typeof ontologyDocumentSchema>;

/** A geographic point, WGS 84 degrees. */
export const geoPointSchema = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});
export type GeoPoint = z.infer<typeof geoPointSchema>;

/**
 * A stored property value after validation and normalisation: strings for string/text/enum/
 * identifier, `YYYY-MM-DD` for dates, ISO 8601 UTC for datetimes, numbers, booleans, geo points.
 */
export const propertyScalarSchema = z.union([z.string(), z.number(), z.boolean(), geoPointSchema]);
export type PropertyScalar = z.infer<typeof propertyScalarSchema>;
/** One value, or a list of values for `multiple` properties. */
export const propertyValueSchema = z.union([propertyScalarSchema, z.array(propertyScalarSchema)]);
export type PropertyValue = z.infer<typeof propertyValueSchema>;

/** Property values as written: name → value; numbers and dates may arrive as strings and are coerced. */
export const propertyValuesSchema = z.record(z.string().regex(PROPERTY_NAME), propertyValueSchema.nullable());
export type PropertyValues = z.infer<typeof propertyValuesSchema>;
