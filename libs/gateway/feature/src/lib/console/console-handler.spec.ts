import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConsoleConfig } from './console.config';
import express from 'express';
import { AddressInfo } from 'node:net';
import { createConsoleHandler, isApiPath, resolveConsoleDir } from './console-handler';
import { ConsoleModule, consoleHandlerOptions } from './console.module';
import { consoleContentSecurityPolicy } from './console-security';

@Controller('things')
class ThingsController {
  @Get()
  list(): { items: string[] } {
    return { items: ['a'] };
  }
}

describe('console serving', () => {
  let dir: string;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Vigie</title><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    @Module({ imports: [ConsoleModule.register('http://127.0.0.1:8080/', loadConsoleConfig({ CONSOLE_DIR: dir, CONSOLE_DEFAULT_REALM: 'alpha' }))], controllers: [ThingsController] })
    class TestModule {}
    app = await NestFactory.create(TestModule, { logger: false });
    app.setGlobalPrefix('api/v1');
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with the strict CSP', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
    expect(res.headers.get('content-security-policy')).toBe(consoleContentSecurityPolicy('http://127.0.0.1:8080'));
    const csp = (res.headers.get('content-security-policy') ?? '').split('; ');
    expect(csp).toEqual(expect.arrayContaining(["default-src 'self'", "connect-src 'self' http://127.0.0.1:8080", "script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'none'"]));
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('falls back to index.html for client routes but 404s a missing asset', async () => {
    const route = await fetch(`${base}/objects/0b9f2c1e-1111-4111-8111-111111111111`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>Vigie</title>');
    expect((await fetch(`${base}/assets/missing-123.js`)).status).toBe(404);
  });

  it('serves hashed assets with a long cache', async () => {
    const res = await fetch(`${base}/assets/index-abc123.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves /console-config.json from the settings', async () => {
    const res = await fetch(`${base}/console-config.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ keycloakUrl: 'http://127.0.0.1:8080', clientId: 'vigie-console', defaultRealm: 'alpha' });
  });

  it('never shadows the API: routes answer, unknown API paths get Nest\'s JSON 404', async () => {
    const ok = await fetch(`${base}/api/v1/things`);
    expect(await ok.json()).toEqual({ items: ['a'] });
    const missing = await fetch(`${base}/api/v1/nothing-here`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/json');
    expect(missing.headers.get('content-security-policy')).toBeNull();
  });

  it('leaves non-GET requests to Nest', async () => {
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(404);
  });
});

describe('console helpers', () => {
  it('isApiPath matches /api and below only', () => {
    expect(isApiPath('/api')).toBe(true);
    expect(isApiPath('/api/docs')).toBe(true);
    expect(isApiPath('/apiary')).toBe(false);
    expect(isApiPath('/')).toBe(false);
  });

  it('resolveConsoleDir takes the first candidate holding index.html, else the first one', () => {
    const empty = mkdtempSync(join(tmpdir(), 'vigie-console-empty-'));
    const built = mkdtempSync(join(tmpdir(), 'vigie-console-built-'));
    writeFileSync(join(built, 'index.html'), 'x');
    try {
      expect(resolveConsoleDir(undefined, [empty, built])).toBe(built);
      expect(resolveConsoleDir(undefined, [empty])).toBe(empty);
      expect(resolveConsoleDir(undefined, [])).toBeNull();
      expect(resolveConsoleDir('/explicit', [built])).toBe('/explicit');
    } finally {
      rmSync(empty, { recursive: true, force: true });
      rmSync(built, { recursive: true, force: true });
    }
  });

  it('prefers CONSOLE_KEYCLOAK_URL and trims trailing slashes', () => {
    const options = consoleHandlerOptions('http://keycloak.internal:8080', loadConsoleConfig({ CONSOLE_KEYCLOAK_URL: 'https://sso.agency.example/' }), []);
    expect(options.config.keycloakUrl).toBe('https://sso.agency.example');
    expect(options.dir).toBeNull();
    expect(options.config.defaultRealm).toBeNull();
  });

  it('refuses a bad client id naming the variable', () => {
    expect(() => loadConsoleConfig({ CONSOLE_CLIENT_ID: 'Bad Client' })).toThrow(/CONSOLE_CLIENT_ID/);
  });

  it('serves a console built after start, and only the config before', async () => {
    const later = mkdtempSync(join(tmpdir(), 'vigie-console-later-'));
    const app = express().use(createConsoleHandler({ dir: later, config: { keycloakUrl: 'http://kc:8080', clientId: 'vigie-console', defaultRealm: null } }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${url}/`)).status).toBe(404);
      expect((await fetch(`${url}/console-config.json`)).status).toBe(200);
      writeFileSync(join(later, 'index.html'), '<title>built later</title>');
      expect(await (await fetch(`${url}/search`)).text()).toContain('built later');
    } finally {
      server.close();
      rmSync(later, { recursive: true, force: true });
    }
  });
});
