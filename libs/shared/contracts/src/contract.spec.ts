import { z } from 'zod';
import { defineEvent, defineRequest } from './contract';
import { describeIssues, ErrorKind, HTTP_STATUS_BY_KIND, PlatformErrorCode, validationError, VigieException } from './errors';
import { defineHealthContract } from './health';

describe('defineRequest', () => {
  const schema = { description: 'x', request: z.object({}), response: z.object({}) };

  it('accepts <service>.v<N>.<resource>.<verb> and derives the service', () => {
    expect(defineRequest({ ...schema, subject: 'ontology.v1.object.get' }).service).toBe('ontology');
  });

  it.each([
    ['ontology.object.get', 'no version token'],
    ['Ontology.v1.object.get', 'upper case'],
    ['ontology.v1.get', 'no resource'],
    ['ontology.v1.events.object.changed', 'a stream subject'],
    ['ontology.v1.object.*', 'a wildcard'],
    ['unknown.v1.object.get', 'an unknown service'],
  ])('refuses %s (%s)', (subject) => {
    expect(() => defineRequest({ ...schema, subject })).toThrow(subject);
  });
});

describe('defineEvent', () => {
  it('requires the events or batches token so that no stream captures a request', () => {
    expect(defineEvent({ subject: 'audit.v1.events.record.recorded', stream: 'AUDIT', description: 'x', payload: z.object({}) }).stream).toBe('AUDIT');
    expect(() => defineEvent({ subject: 'audit.v1.record.recorded', stream: 'AUDIT', description: 'x', payload: z.object({}) })).toThrow('events');
  });
});

describe('errors', () => {
  it('round-trips a typed error through its reply', () => {
    const error = new VigieException('OBJECT_NOT_FOUND', ErrorKind.NotFound, 'Object 42 not found', { id: '42' });
    const copy = VigieException.fromReply(JSON.parse(JSON.stringify(error.toReply())));
    expect(copy).toMatchObject({ code: 'OBJECT_NOT_FOUND', kind: ErrorKind.NotFound, message: 'Object 42 not found', details: { id: '42' } });
  });

  it('maps every kind to a distinct meaning, not everything to 400', () => {
    expect(HTTP_STATUS_BY_KIND[ErrorKind.NotFound]).toBe(404);
    expect(HTTP_STATUS_BY_KIND[ErrorKind.PurposeRequired]).toBe(428);
    expect(HTTP_STATUS_BY_KIND[ErrorKind.Unavailable]).toBe(503);
    expect(HTTP_STATUS_BY_KIND[ErrorKind.Timeout]).toBe(504);
    expect(Object.keys(HTTP_STATUS_BY_KIND)).toHaveLength(Object.keys(ErrorKind).length);
  });

  it('names every bad field of a payload', () => {
    const result = z.object({ name: z.string(), level: z.enum(['NP', 'DR']) }).safeParse({ level: 'XX' });
    if (result.success) throw new Error('expected a failure');
    const { fields, message } = describeIssues(result.error);
    expect(fields.map((f) => f.path)).toEqual(['name', 'level']);
    const error = validationError('request to ontology.v1.object.get', result.error);
    expect(error.code).toBe(PlatformErrorCode.ValidationFailed);
    expect(error.kind).toBe(ErrorKind.Invalid);
    expect(error.message).toBe(`Invalid request to ontology.v1.object.get: ${message}`);
  });
});

describe('defineHealthContract', () => {
  it('gives each service its health subject', () => {
    expect(defineHealthContract('audit').subject).toBe('audit.v1.health.check');
  });
});
