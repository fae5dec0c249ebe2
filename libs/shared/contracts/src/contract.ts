import { z } from 'zod';

/** The services of the platform; the first token of every subject. */
export const SERVICE_NAMES = ['gateway', 'identity', 'ingestion', 'ontology', 'analytics', 'audit'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const REQUEST_SUBJECT = /^[a-z]+\.v[0-9]+\.[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
const EVENT_SUBJECT = /^[a-z]+\.v[0-9]+\.(events|batches)\.[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/** A request/reply operation: `<service>.v1.<resource>.<verb>`, with both message schemas. */
export interface RequestContract<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly kind: 'request';
  readonly subject: string;
  readonly service: ServiceName;
  readonly description: string;
  readonly request: Req;
  readonly response: Res;
}

/** A message published to a JetStream stream: `<service>.v1.events.<resource>.<past-tense>`. */
export interface EventContract<Payload extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly subject: string;
  readonly stream: string;
  readonly description: string;
  readonly payload: Payload;
}

export type RequestOf<C extends RequestContract> = z.infer<C['request']>;
export type ResponseOf<C extends RequestContract> = z.infer<C['response']>;
export type PayloadOf<C extends EventContract> = z.infer<C['payload']>;

export function defineRequest<Req extends z.ZodType, Res extends z.ZodType>(def: {
  subject: string;
  description: string;
  request: Req;
  response: Res;
}): RequestContract<Req, Res> {
  if (!REQUEST_SUBJECT.test(def.subject) || /\.(events|batches)\./.test(def.subject)) {
    throw new Error(`Request subject "${def.subject}" must read <service>.v<N>.<resource>.<verb> and carry no events/batches token`);
  }
  const service = def.subject.split('.')[0] as ServiceName;
  if (!SERVICE_NAMES.includes(service)) {
    throw new Error(`Request subject "${def.subject}" does not start with a known service (${SERVICE_NAMES.join(', ')})`);
  }
  return { kind: 'request', service, ...def };
}

export function defineEvent<Payload extends z.ZodType>(def: {
  subject: string;
  stream: string;
  description: string;
  payload: Payload;
}): EventContract<Payload> {
  if (!EVENT_SUBJECT.test(def.subject)) {
    throw new Error(`Event subject "${def.subject}" must read <service>.v<N>.events.<resource>.<past-tense>`);
  }
  return { kind: 'event', ...def };
}
