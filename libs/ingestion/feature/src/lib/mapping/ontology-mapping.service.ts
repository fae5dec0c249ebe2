import { Injectable } from '@nestjs/common';
import { IngestionException, IngestionExceptionCode } from '@vigie/ingestion-contracts';
import { compileMapping, CompiledMapping, CompileMappingResult, MappingError } from '@vigie/ingestion-parsers';
import { OntologyDocument, typeList } from '@vigie/ontology-contracts';
import { ErrorKind, VigieException } from '@vigie/shared-contracts';
import { runWithCaller, ServiceClient } from '@vigie/shared-messaging';

/** "objects.person.properties.born (line 7, column 9): unknown property…; …" — at most `max` errors, then a count. */
export function describeMappingErrors(errors: readonly MappingError[], max = 5): string {
  const shown = errors.slice(0, max).map((e) => `${e.path} (line ${e.line}, column ${e.column}): ${e.message}`);
  const more = errors.length > max ? `; and ${errors.length - max} more` : '';
  return `${shown.join('; ')}${more}`;
}

export function invalidMapping(errors: readonly MappingError[]): IngestionException {
  return new IngestionException(IngestionExceptionCode.InvalidMapping, `The mapping does not fit the ontology: ${describeMappingErrors(errors)}`, {
    errors: errors.map((e) => ({ path: e.path, line: e.line, column: e.column, message: e.message })),
  });
}

/** `compileMapping`, with anything it throws (the YAML library on unresolved aliases…) turned into a located error. */
export function safeCompile(text: string, document: OntologyDocument, columns?: readonly string[]): CompileMappingResult {
  try {
    return compileMapping(text, document, columns ? { columns } : {});
  } catch (error) {
    return { ok: false, errors: [{ path: '(root)', line: 1, column: 1, message: `the mapping cannot be read: ${(error as Error).message}` }] };
  }
}

/**
 * Compiles mappings against the tenant's ontology, fetched from the ontology service
 * (`ontology.v1.type.list`) with the given token: the uploader's when a job is created, the
 * service's own when a job resumes.
 */
@Injectable()
export class OntologyMappingService {
  constructor(private readonly client: ServiceClient) {}

  async ontology(authorization?: string): Promise<OntologyDocument> {
    try {
      const fetch = () => this.client.request(typeList, {});
      const { document } = authorization ? await runWithCaller({ authorization }, fetch) : await fetch();
      return document;
    } catch (error) {
      if (error instanceof VigieException && (error.kind === ErrorKind.Unavailable || error.kind === ErrorKind.Timeout)) {
        throw new IngestionException(IngestionExceptionCode.DependencyUnavailable, `The ontology could not be reached to check the mapping: ${error.message}`);
      }
      throw error;
    }
  }

  compile(text: string, document: OntologyDocument, columns?: readonly string[]): CompiledMapping {
    const result = safeCompile(text, document, columns);
    if (!result.ok) throw invalidMapping(result.errors);
    return result.mapping;
  }
}
