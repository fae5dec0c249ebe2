import { defineHealthContract } from '@vigie/shared-contracts';

/** Queue group of the audit service: replicas share requests. */
export const AUDIT_SERVICE = 'audit';

export const auditHealthCheck = defineHealthContract('audit');

/** The JetStream stream every service publishes its audit events to. */
export const AUDIT_STREAM = 'AUDIT';
/** Subjects captured by the AUDIT stream. */
export const AUDIT_STREAM_SUBJECTS = ['audit.v1.events.>'] as const;
/** Filter subject of the audit service's durable consumer: every action domain. */
export const AUDIT_EVENTS_FILTER = 'audit.v1.events.*.recorded';
