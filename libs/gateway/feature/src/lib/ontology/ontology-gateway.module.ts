import { Module } from '@nestjs/common';
import { OntologyLinksController } from './links.controller';
import { OntologyObjectsController } from './objects.controller';
import { OntologyTypesResolutionController } from './types-resolution.controller';

/** `/api/v1/objects`, `/api/v1/links`, `/api/v1/types`, `/api/v1/resolution`: forwarded to the ontology service. */
@Module({ controllers: [OntologyObjectsController, OntologyLinksController, OntologyTypesResolutionController] })
export class OntologyGatewayModule {}
