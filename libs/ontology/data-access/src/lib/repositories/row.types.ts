import { Actor, ChangeKind, PropertyEntry, Provenance, Purpose } from '@vigie/ontology-contracts';

/** An object row. In reads for a user, `properties` holds only the entries the user may see. */
export interface ObjectRow {
  id: string;
  tenant: string;
  type: string;
  source: string;
  source_key: string | null;
  version: number;
  level_rank: number;
  compartments: string[];
  properties: Record<string, PropertyEntry>;
  provenance: Provenance;
  content_hash: string;
  entity_id: string | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface LinkRow {
  id: string;
  tenant: string;
  type: string;
  source: string;
  source_key: string | null;
  from_id: string;
  to_id: string;
  directed: boolean;
  version: number;
  level_rank: number;
  compartments: string[];
  properties: Record<string, PropertyEntry>;
  provenance: Provenance;
  valid_from: string | null;
  valid_to: string | null;
  content_hash: string;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

/** The state kept in a history row: enough to rebuild the view and to diff. */
export interface VersionSnapshot {
  type: string;
  properties: Record<string, PropertyEntry>;
  markings: { level: string; compartments: string[] };
  deletedAt: string | null;
  entityId?: string | null;
  fromId?: string;
  toId?: string;
  validFrom?: string | null;
  validTo?: string | null;
}

export interface VersionRow {
  id: string;
  version: number;
  tenant: string;
  change: ChangeKind;
  at: Date;
  actor: Actor;
  purpose: Purpose | null;
  provenance: Provenance;
  level_rank: number;
  compartments: string[];
  snapshot: VersionSnapshot;
  changed_properties: string[];
  /** In history reads: every property name of the snapshot, before filtering (to tell removed from hidden). */
  all_properties?: string[];
}

/** A new history row. */
export interface NewVersion {
  id: string;
  version: number;
  tenant: string;
  change: ChangeKind;
  at: Date;
  actor: Actor;
  purpose?: Purpose;
  provenance: Provenance;
  levelRank: number;
  compartments: string[];
  snapshot: VersionSnapshot;
  changedProperties: string[];
}
