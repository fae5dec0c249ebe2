import { LinkEntity } from './entities/link.entity';
import { LinkVersionEntity } from './entities/link-version.entity';
import { ObjectEntity } from './entities/object.entity';
import { ObjectVersionEntity } from './entities/object-version.entity';
import { OntologyDocumentEntity } from './entities/ontology-document.entity';
import {
  BlockingKeyEntity,
  EntityEntity,
  EntityMembershipEntity,
  IdentityKeyEntity,
  MergeEntity,
  OutboxEntity,
  ResolutionPendingEntity,
  ReviewItemEntity,
} from './entities/resolution.entity';
import { Migration20261128150000_ontology_storage } from './migrations/Migration20261128150000_ontology_storage';
import { Migration20261128160000_resolution_pending } from './migrations/Migration20261128160000_resolution_pending';
import { Migration20261128170000_reference_indexes } from './migrations/Migration20261128170000_reference_indexes';
import { Migration20261129030000_derived_keys_without_fk } from './migrations/Migration20261129030000_derived_keys_without_fk';

/** Entities and migrations of the ontology schema, for the service definition's `persistence`. */
export const ONTOLOGY_ENTITIES = [
  OntologyDocumentEntity,
  ObjectEntity,
  ObjectVersionEntity,
  LinkEntity,
  LinkVersionEntity,
  EntityEntity,
  MergeEntity,
  EntityMembershipEntity,
  ReviewItemEntity,
  IdentityKeyEntity,
  BlockingKeyEntity,
  OutboxEntity,
  ResolutionPendingEntity,
];

export const ONTOLOGY_MIGRATIONS = [
  Migration20261128150000_ontology_storage,
  Migration20261128160000_resolution_pending,
  Migration20261128170000_reference_indexes,
  Migration20261129030000_derived_keys_without_fk,
];
