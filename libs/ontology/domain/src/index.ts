// Identifier normalisers
export * from './lib/normalisers/normaliser.types';
export * from './lib/normalisers/identifier.normaliser';
export * from './lib/normalisers/phone.normaliser';
export * from './lib/normalisers/email.normaliser';
export * from './lib/normalisers/iban.normaliser';
export * from './lib/normalisers/document-number.normaliser';
export * from './lib/normalisers/vehicle.normaliser';
export * from './lib/normalisers/network.normaliser';
export * from './lib/normalisers/misc.normaliser';
// Ontology: validation, compatibility, default ontology
export * from './lib/ontology/property-value.validator';
export * from './lib/ontology/ontology-document.validator';
export * from './lib/ontology/type-change.checker';
export * from './lib/default-ontology/default-ontology.loader';
// History and pagination
export * from './lib/history/version-diff';
export * from './lib/history/list-cursor';
// Entity resolution
export * from './lib/resolution/transliteration';
export * from './lib/resolution/phonetic-key';
export * from './lib/resolution/name-normaliser';
export * from './lib/resolution/string-similarity';
export * from './lib/resolution/name-similarity';
export * from './lib/resolution/date-similarity';
export * from './lib/resolution/resolution-record';
export * from './lib/resolution/resolution-record.mapper';
export * from './lib/resolution/name-frequency';
export * from './lib/resolution/resolution-scorer';
export * from './lib/resolution/blocking';
export * from './lib/resolution/entity-resolver';
