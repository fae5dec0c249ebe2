import { JobBatchEntity, JobEntity, QuarantinedRecordEntity } from './entities/job.entity';
import { Migration20261128160000_ingestion_jobs } from './migrations/Migration20261128160000_ingestion_jobs';

/** Entities and migrations of the ingestion schema, for the service definition's `persistence`. */
export const INGESTION_ENTITIES = [JobEntity, JobBatchEntity, QuarantinedRecordEntity];
export const INGESTION_MIGRATIONS = [Migration20261128160000_ingestion_jobs];
