import { Injectable } from '@nestjs/common';
import { DependencyHealth } from '@vigie/shared-contracts';
import { HealthIndicator } from '@vigie/shared-service';
import { KeycloakAdmin } from '../keycloak/keycloak-admin';

/** Keycloak reachability through the admin API, with the server's version (`serverinfo`). */
@Injectable()
export class KeycloakHealthIndicator implements HealthIndicator {
  constructor(private readonly admin: KeycloakAdmin) {}

  async check(): Promise<DependencyHealth> {
    const started = performance.now();
    try {
      const kc = await this.admin.client();
      const info = await kc.serverInfo.find();
      return { name: 'keycloak', status: 'up', version: info.systemInfo?.version, latencyMs: ms(started) };
    } catch (error) {
      return { name: 'keycloak', status: 'down', latencyMs: ms(started), error: (error as Error).message };
    }
  }
}

const ms = (started: number) => Math.round((performance.now() - started) * 100) / 100;
