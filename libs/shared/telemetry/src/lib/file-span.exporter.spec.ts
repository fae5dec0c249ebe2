import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { FileSpanExporter, SpanRecord } from './file-span.exporter';

describe('FileSpanExporter', () => {
  it('writes each finished span as one JSON line with its trace, parent and attributes', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'spans-')), 'spans.ndjson');
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: new FileSpanExporter(file, 'ontology') })] });
    const tracer = provider.getTracer('test');
    const parent = tracer.startSpan('parent');
    const { trace, context } = await import('@opentelemetry/api');
    const child = tracer.startSpan('child', { attributes: { 'db.system': 'postgresql' } }, trace.setSpan(context.active(), parent));
    child.end();
    parent.end();
    await provider.forceFlush();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SpanRecord);
    expect(lines.map((l) => l.name)).toEqual(['child', 'parent']);
    expect(lines[0]).toMatchObject({ service: 'ontology', traceId: parent.spanContext().traceId, parentSpanId: parent.spanContext().spanId, attributes: { 'db.system': 'postgresql' } });
  });
});
