import { DynamicModule, Inject, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { join } from 'node:path';
import { Express } from 'express';
import { ConsoleConfig, loadConsoleConfig } from './console.config';
import { ConsoleHandlerOptions, createConsoleHandler, resolveConsoleDir } from './console-handler';

const CONSOLE_OPTIONS = Symbol('CONSOLE_OPTIONS');

/** The handler's options from the gateway's Keycloak URL and the console settings. */
export function consoleHandlerOptions(keycloakUrl: string, settings: ConsoleConfig, candidates = [join(__dirname, '..', 'console'), join(process.cwd(), 'dist', 'apps', 'console')]): ConsoleHandlerOptions {
  return {
    dir: resolveConsoleDir(settings.CONSOLE_DIR, candidates),
    config: {
      keycloakUrl: (settings.CONSOLE_KEYCLOAK_URL ?? keycloakUrl).replace(/\/+$/, ''),
      clientId: settings.CONSOLE_CLIENT_ID,
      defaultRealm: settings.CONSOLE_DEFAULT_REALM ?? null,
    },
  };
}

/**
 * Serves the analyst console at `/`. The handler is added to Express when the module
 * initialises — after Nest registered its routes (so `/api/*` and `/api/docs` win) and before
 * Nest's not-found handler (so unknown `/api` paths still get the API's JSON 404).
 */
@Module({})
export class ConsoleModule implements OnModuleInit {
  static register(keycloakUrl: string, settings: ConsoleConfig = loadConsoleConfig()): DynamicModule {
    return { module: ConsoleModule, providers: [{ provide: CONSOLE_OPTIONS, useValue: consoleHandlerOptions(keycloakUrl, settings) }] };
  }

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(CONSOLE_OPTIONS) private readonly options: ConsoleHandlerOptions,
  ) {}

  onModuleInit(): void {
    this.adapterHost.httpAdapter.getInstance<Express>().use(createConsoleHandler(this.options));
  }
}
