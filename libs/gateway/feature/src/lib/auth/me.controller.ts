import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Actor, CurrentActor } from '@vigie/shared-auth';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth')
export class MeController {
  @Get('me')
  @ApiOperation({ summary: 'Who the bearer token says you are: tenant, roles, clearance, compartments (and the stated purpose)' })
  @ApiOkResponse({ description: 'The verified actor' })
  @ApiUnauthorizedResponse({ description: 'Token missing or refused; error.code says why (TOKEN_EXPIRED, UNKNOWN_KEY, …)' })
  me(@CurrentActor() actor: Actor): Actor {
    return actor;
  }
}
