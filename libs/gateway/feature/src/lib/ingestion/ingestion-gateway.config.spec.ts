import { loadIngestionGatewayConfig, parseByteSize } from './ingestion-gateway.config';
import { formatBytes, tooLarge } from './ingestion-upload.store';

describe('the maximum upload size', () => {
  it('reads sizes with binary units or plain bytes, 4 GiB by default', () => {
    expect(parseByteSize('1024')).toBe(1024);
    expect(parseByteSize('64kb')).toBe(65_536);
    expect(parseByteSize('500MB')).toBe(500 * 1024 ** 2);
    expect(loadIngestionGatewayConfig({}).INGEST_MAX_UPLOAD_SIZE).toBe(4 * 1024 ** 3);
    expect(loadIngestionGatewayConfig({ INGEST_MAX_UPLOAD_SIZE: '2gb' }).INGEST_MAX_UPLOAD_SIZE).toBe(2 * 1024 ** 3);
  });

  it('refuses a value that is not a size, naming the variable', () => {
    expect(() => loadIngestionGatewayConfig({ INGEST_MAX_UPLOAD_SIZE: 'lots' })).toThrow(/INGEST_MAX_UPLOAD_SIZE/);
    expect(() => loadIngestionGatewayConfig({ INGEST_MAX_UPLOAD_SIZE: '0' })).toThrow(/INGEST_MAX_UPLOAD_SIZE/);
    expect(() => parseByteSize('1.5gb')).toThrow(/not a size/);
  });

  it('says the limit in words and in bytes, as a 413', () => {
    expect(formatBytes(65_536)).toBe('64 KiB');
    expect(formatBytes(1000)).toBe('1000 bytes');
    const error = tooLarge(65_536);
    expect(error.code).toBe('INGESTION_FILE_TOO_LARGE');
    expect(error.kind).toBe('too_large');
    expect(error.message).toMatch(/maximum upload size of 64 KiB \(65536 bytes, INGEST_MAX_UPLOAD_SIZE\): nothing was stored/);
  });
});

describe('the upload session TTL', () => {
  it('reads durations, 24 hours by default', () => {
    expect(loadIngestionGatewayConfig({}).INGEST_UPLOAD_SESSION_TTL).toBe(24 * 3_600_000);
    expect(loadIngestionGatewayConfig({ INGEST_UPLOAD_SESSION_TTL: '30m' }).INGEST_UPLOAD_SESSION_TTL).toBe(1_800_000);
    expect(loadIngestionGatewayConfig({ INGEST_UPLOAD_SESSION_TTL: '90s' }).INGEST_UPLOAD_SESSION_TTL).toBe(90_000);
  });

  it('refuses a value that is not a duration, or under a second, naming the variable', () => {
    expect(() => loadIngestionGatewayConfig({ INGEST_UPLOAD_SESSION_TTL: 'forever' })).toThrow(/INGEST_UPLOAD_SESSION_TTL/);
    expect(() => loadIngestionGatewayConfig({ INGEST_UPLOAD_SESSION_TTL: '500ms' })).toThrow(/INGEST_UPLOAD_SESSION_TTL/);
  });
});

describe('the lease of a completing upload session', () => {
  it('reads durations, 60 seconds by default, and refuses a value that is not one, naming the variable', () => {
    expect(loadIngestionGatewayConfig({}).INGEST_UPLOAD_COMPLETE_LEASE).toBe(60_000);
    expect(loadIngestionGatewayConfig({ INGEST_UPLOAD_COMPLETE_LEASE: '2m' }).INGEST_UPLOAD_COMPLETE_LEASE).toBe(120_000);
    expect(() => loadIngestionGatewayConfig({ INGEST_UPLOAD_COMPLETE_LEASE: 'soon' })).toThrow(/INGEST_UPLOAD_COMPLETE_LEASE/);
    expect(() => loadIngestionGatewayConfig({ INGEST_UPLOAD_COMPLETE_LEASE: '10ms' })).toThrow(/INGEST_UPLOAD_COMPLETE_LEASE/);
  });
});
