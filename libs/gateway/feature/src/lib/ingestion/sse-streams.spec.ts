import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import type { NatsConnection } from 'nats';
import { Job } from '@vigie/ingestion-contracts';
import type { ServiceClient } from '@vigie/shared-messaging';
import { IngestionController } from './ingestion.controller';
import type { IngestionGatewayConfig } from './ingestion-gateway.config';
import type { IngestUploadStore } from './ingestion-upload.store';
import { SseStreams } from './sse-streams.util';

const runningJob: Job = {
  id: '00000000-0000-4000-8000-000000000001',
  source: 's',
  fileName: 'f.csv',
  format: 'csv',
  status: 'running',
  markings: { level: 'NP', compartments: [] },
  mappingId: null,
  counts: { read: 10, valid: 10, quarantined: 0, written: 5, merged: 0 },
  detected: { bytesTotal: 1000 },
  position: { index: 9, offset: 250, line: 11 },
  error: null,
  createdBy: 'u',
  createdAt: '2026-11-28T12:00:00.000Z',
  startedAt: '2026-11-28T12:00:00.000Z',
  finishedAt: null,
};

/** A response that records what is written, like express's over a socket. */
function fakeResponse(): Response & { body: string } {
  const res = {
    body: '',
    writableEnded: false,
    status: () => res,
    setHeader: () => res,
    flushHeaders: () => undefined,
    write: (chunk: string) => {
      if (res.writableEnded) throw new Error('write after end');
      res.body += chunk;
      return true;
    },
    end: () => {
      res.writableEnded = true;
    },
  };
  return res as unknown as Response & { body: string };
}

/** A NATS connection whose progress subscription never delivers (the job just runs). */
function quietNats(): NatsConnection {
  let close: () => void = () => undefined;
  const closed = new Promise<void>((r) => (close = r));
  let isClosed = false;
  const sub = {
    closed,
    isClosed: () => isClosed,
    unsubscribe: () => {
      isClosed = true;
      close();
    },
  };
  return { subscribe: () => sub } as unknown as NatsConnection;
}

describe('SseStreams', () => {
  it('ends every open stream once, forgets closed ones, and ends a stream opened after shutdown at once', () => {
    const streams = new SseStreams();
    const ended: string[] = [];
    streams.open(() => ended.push('a'));
    const closeB = streams.open(() => ended.push('b'));
    closeB();
    expect(streams.size).toBe(1);
    expect(streams.closeAll()).toBe(1);
    expect(ended).toEqual(['a']);
    streams.open(() => ended.push('late'));
    expect(ended).toEqual(['a', 'late']);
    expect(streams.size).toBe(0);
  });
});

describe('IngestionController progress stream on shutdown', () => {
  it('ends an open stream with a final SERVICE_UNAVAILABLE event as soon as the gateway shuts down', async () => {
    const client = { request: jest.fn().mockResolvedValue(runningJob) } as unknown as ServiceClient;
    const controller = new IngestionController(client, {} as IngestUploadStore, {} as IngestionGatewayConfig, quietNats());
    const req = Object.assign(new EventEmitter(), { header: () => 'Bearer t' }) as unknown as Request;
    const res = fakeResponse();

    const streaming = controller.events(runningJob.id, req, res);
    await new Promise((r) => setTimeout(r, 50));
    expect(res.body).toContain('event: progress');
    expect(controller.streams.size).toBe(1);

    const started = Date.now();
    controller.beforeApplicationShutdown();
    await streaming;

    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.writableEnded).toBe(true);
    const events = res.body.trim().split('\n\n');
    expect(events[events.length - 1]).toBe('event: error\ndata: {"code":"SERVICE_UNAVAILABLE","message":"the gateway is shutting down: reconnect"}');
    expect(controller.streams.size).toBe(0);
  });
});
