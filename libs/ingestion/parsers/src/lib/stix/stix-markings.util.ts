import { Marking } from '@vigie/ontology-contracts';

/** TLP levels, TLP 1.0 names folded into TLP 2.0 (WHITE = CLEAR). */
export type TlpLevel = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';

/**
 * Default TLP → Vigie marking table. TLP says how far information may be shared, not how secret
 * it is; inside the agency:
 * - CLEAR / WHITE, GREEN: shareable beyond the agency ⇒ NP, no compartment;
 * - AMBER: the organisation and its clients, need-to-know ⇒ DR;
 * - AMBER+STRICT: the organisation only ⇒ DR + compartment `tlp-amber-strict`;
 * - RED: named recipients only ⇒ DR + compartment `tlp-red` (hold it = be a named recipient).
 * An agency may pass its own table (e.g. RED ⇒ S) to the STIX parser.
 */
export const DEFAULT_TLP_MARKINGS: Readonly<Record<TlpLevel, Marking>> = Object.freeze({
  clear: { level: 'NP', compartments: [] },
  green: { level: 'NP', compartments: [] },
  amber: { level: 'DR', compartments: [] },
  'amber+strict': { level: 'DR', compartments: ['tlp-amber-strict'] },
  red: { level: 'DR', compartments: ['tlp-red'] },
});

/** The standard marking-definition ids: TLP 1.0 (STIX 2.1 §7.2.1.4) and TLP 2.0 (OASIS extension). */
export const TLP_MARKING_IDS: Readonly<Record<string, TlpLevel>> = Object.freeze({
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'clear',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'green',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'amber',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'red',
  'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487': 'clear',
  'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb': 'green',
  'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421': 'amber',
  'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003': 'amber+strict',
  'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1': 'red',
  // OpenCTI's own AMBER+STRICT, common in its exports
  'marking-definition--826578e1-40ad-459f-bc73-ede076f81f37': 'amber+strict',
});

/** The TLP 2.0 marking extension (its property `tlp_2_0`). */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

function tlpFromText(text: unknown): TlpLevel | null {
  if (typeof text !== 'string') return null;
  const t = text.trim().toLowerCase().replace(/^tlp:/, '');
  if (t === 'white' || t === 'clear') return 'clear';
  if (t === 'green' || t === 'amber' || t === 'amber+strict' || t === 'red') return t;
  return null;
}

/** What a marking-definition object means for Vigie. */
export type MarkingDefinitionReading =
  | { readonly kind: 'tlp'; readonly tlp: TlpLevel }
  | { readonly kind: 'statement'; readonly statement: string }
  | { readonly kind: 'unknown'; readonly reason: string };

/** Reads a marking-definition: TLP 1.0 (`definition_type: tlp`), TLP 2.0 (extension), a statement, or unknown. */
export function readMarkingDefinition(object: Record<string, unknown>): MarkingDefinitionReading {
  const byId = TLP_MARKING_IDS[String(object.id)];
  if (byId) return { kind: 'tlp', tlp: byId };
  const definition = object.definition as Record<string, unknown> | undefined;
  const type = object.definition_type;
  if (type === 'tlp') {
    const tlp = tlpFromText(definition?.tlp);
    return tlp ? { kind: 'tlp', tlp } : { kind: 'unknown', reason: `TLP marking with an unknown level ${JSON.stringify(definition?.tlp)}` };
  }
  if (type === 'statement') {
    const statement = definition?.statement;
    return typeof statement === 'string' ? { kind: 'statement', statement } : { kind: 'unknown', reason: 'statement marking without a statement' };
  }
  const extensions = object.extensions as Record<string, Record<string, unknown>> | undefined;
  const tlp2 = extensions?.[TLP2_EXTENSION_ID]?.tlp_2_0;
  if (tlp2 !== undefined) {
    const tlp = tlpFromText(tlp2);
    return tlp ? { kind: 'tlp', tlp } : { kind: 'unknown', reason: `TLP 2.0 marking with an unknown level ${JSON.stringify(tlp2)}` };
  }
  const byName = typeof object.name === 'string' && /^tlp:/i.test(object.name) ? tlpFromText(object.name) : null;
  if (byName) return { kind: 'tlp', tlp: byName };
  return { kind: 'unknown', reason: `marking definition of type ${JSON.stringify(type ?? object.name ?? '(none)')} has no Vigie equivalent (only TLP and statement markings are understood)` };
}
