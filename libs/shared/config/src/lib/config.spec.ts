import { baseConfigSchema, ConfigException, databaseConfigSchema, loadConfig, redactConfig } from './config';

const schema = baseConfigSchema.extend(databaseConfigSchema.shape);
const valid = {
  HEALTH_PORT: '3101',
  DATABASE_URL: 'postgres://u:hunter2@127.0.0.1:5432/vigie',
  DATABASE_SCHEMA: 'ontology',
  NATS_PASSWORD: 's3cret',
};

describe('loadConfig', () => {
  it('parses and applies defaults', () => {
    const config = loadConfig('ontology', schema, valid);
    expect(config.HEALTH_PORT).toBe(3101);
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.REQUEST_TIMEOUT_MS).toBe(5000);
  });

  it('reads the JetStream store limit as bytes, in the units nats-server and Kubernetes write, and names a size it cannot read', () => {
    const read = (value: string) => loadConfig('ontology', schema, { ...valid, NATS_JETSTREAM_MAX_STORAGE: value }).NATS_JETSTREAM_MAX_STORAGE;
    expect(read('8GB')).toBe(8 * 1024 ** 3);
    expect(read('100Gi')).toBe(100 * 1024 ** 3);
    expect(read('512m')).toBe(512 * 1024 ** 2);
    expect(read('1.5T')).toBe(1.5 * 1024 ** 4);
    expect(read('1048576')).toBe(1048576);
    expect(loadConfig('ontology', schema, valid).NATS_JETSTREAM_MAX_STORAGE).toBeUndefined();
    expect(() => read('eight gigs')).toThrow('NATS_JETSTREAM_MAX_STORAGE is invalid: must be a size such as 8GB, 100Gi, 512M or a number of bytes (got "eight gigs")');
    expect(() => read('8XB')).toThrow('NATS_JETSTREAM_MAX_STORAGE is invalid');
  });

  it('names a missing variable', () => {
    const env: Record<string, string> = { ...valid };
    delete env['DATABASE_URL'];
    expect(() => loadConfig('ontology', schema, env)).toThrow('Invalid configuration for ontology: DATABASE_URL is required but not set');
  });

  it('names an invalid variable without echoing secrets', () => {
    try {
      loadConfig('ontology', schema, { ...valid, HEALTH_PORT: 'eighty', DATABASE_URL: 'mysql://u:hunter2@x/db' });
      throw new Error('expected a ConfigException');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigException);
      const message = (error as ConfigException).message;
      expect(message).toContain('HEALTH_PORT is invalid');
      expect(message).toContain('DATABASE_URL is invalid: must be a URL with scheme postgres or postgresql');
      expect(message).not.toContain('hunter2');
    }
  });

  it('treats an empty variable as unset', () => {
    expect(() => loadConfig('ontology', schema, { ...valid, DATABASE_SCHEMA: '' })).toThrow('DATABASE_SCHEMA is required but not set');
  });

  it('redacts secrets', () => {
    const config = loadConfig('ontology', schema, valid);
    const redacted = redactConfig(schema, config);
    expect(redacted['DATABASE_URL']).toBe('***');
    expect(redacted['NATS_PASSWORD']).toBe('***');
    expect(redacted['DATABASE_SCHEMA']).toBe('ontology');
  });
});
