import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** A stored mapping (table `mapping`). Declared for MikroORM's metadata; read and written through `MappingRepository`. */
@Entity({ tableName: 'mapping' })
export class MappingEntity {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ type: 'text' }) tenant!: string;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text', nullable: true }) description?: string;
  @Property({ type: 'text' }) text!: string;
  @Property({ type: 'text' }) sha256!: string;
  @Property({ type: 'json' }) summary!: unknown;
  @Property({ type: 'text' }) createdBy!: string;
  @Property({ type: 'text', nullable: true }) createdByName?: string;
  @Property({ type: 'datetime' }) createdAt!: Date;
}
