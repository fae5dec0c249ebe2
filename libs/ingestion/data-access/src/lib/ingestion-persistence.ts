import { JobBatchEntity, JobEntity, QuarantinedRecordEntity } from './entities/job.entity';
import { MappingEntity } from './entities/mapping.entity';
import { Migration20261128160000_ingestion_jobs } from './migrations/Migration20261128160000_ingestion_jobs';
import { Migration20261128180000_ingestion_mappings } from './migrations/Migration20261128180000_ingestion_mappings';
import { Migration20261129090000_ingestion_job_request_key } from './migrations/Migration20261129090000_ingestion_job_request_key';

/** Entities and migrations of the ingestion schema, for the service definition's `persistence`. */
export const INGESTION_ENTITIES = [JobEntity, JobBatchEntity, QuarantinedRecordEntity, MappingEntity];
export const INGESTION_MIGRATIONS = [Migration20261128160000_ingestion_jobs, Migration20261128180000_ingestion_mappings, Migration20261129090000_ingestion_job_request_key];
