import { ObjectType, PropertyValue } from '@vigie/ontology-contracts';
import { ResolutionIdentifier, ResolutionRecord } from './resolution-record';

function texts(value: PropertyValue | undefined): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

/**
 * The resolution record of an object, read through its type: names, birth date, place and
 * gender from the type's `resolution` profile, identifiers from its `identityKeys` (values
 * already normalised on write). Undefined when the type takes no part in resolution.
 */
export function toResolutionRecord(type: ObjectType, id: string, properties: Record<string, PropertyValue | undefined>): ResolutionRecord | undefined {
  const profile = type.resolution;
  if (!profile && type.identityKeys.length === 0) return undefined;
  const identifiers: ResolutionIdentifier[] = [];
  for (const key of type.identityKeys) {
    const def = type.properties.find((p) => p.name === key.property);
    if (def?.kind !== 'identifier') continue;
    for (const value of texts(properties[key.property])) identifiers.push({ kind: def.normaliser, value, strength: key.strength });
  }
  const names = profile && profile.profile !== 'none' ? profile.nameProperties.flatMap((p) => texts(properties[p])) : [];
  const first = (name: string | undefined) => (name ? texts(properties[name])[0] : undefined);
  return {
    id,
    names,
    birthDate: first(profile?.birthDateProperty),
    place: first(profile?.placeProperty),
    gender: first(profile?.genderProperty),
    identifiers,
  };
}
