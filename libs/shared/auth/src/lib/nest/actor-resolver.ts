import { Injectable } from '@nestjs/common';
import { currentCaller } from '@vigie/shared-messaging';
import { Actor } from '../actor';
import { parsePurpose } from '../purpose';
import { TokenVerifier } from '../token-verifier';

/**
 * `requireActor()` for code that is not a decorated handler (durable consumers, helpers): verifies
 * the token of the request or message being handled (from the caller context) and returns the
 * actor, or throws 401 with the reason code.
 */
@Injectable()
export class ActorResolver {
  constructor(private readonly verifier: TokenVerifier) {}

  async requireActor(): Promise<Actor> {
    const caller = currentCaller();
    return (await this.verifier.verifyAuthorization(caller?.authorization, parsePurpose(caller?.purpose))).actor;
  }

  /** Verifies a given `Bearer <jwt>`. */
  async actorFor(authorization: string | undefined, purposeHeader?: string): Promise<Actor> {
    return (await this.verifier.verifyAuthorization(authorization, parsePurpose(purposeHeader))).actor;
  }
}
