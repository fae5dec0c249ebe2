import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DependencyHealth } from '@vigie/shared-contracts';
import { checkDatabase } from '@vigie/shared-persistence';
import { HealthIndicator } from './health';

@Injectable()
export class DatabaseHealthIndicator implements HealthIndicator {
  constructor(private readonly em: EntityManager) {}

  check(): Promise<DependencyHealth> {
    return checkDatabase(this.em.fork());
  }
}
