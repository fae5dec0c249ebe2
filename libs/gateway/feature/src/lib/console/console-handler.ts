import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NextFunction, Request, RequestHandler, Response, static as serveStatic } from 'express';
import { consoleSecurityHeaders } from './console-security';

/** What the console fetches at start: where to log in. */
export interface ConsolePublicConfig {
  keycloakUrl: string;
  clientId: string;
  defaultRealm: string | null;
}

export interface ConsoleHandlerOptions {
  /** Folder of the built console (`index.html` + `assets/`); missing → the handler serves only the config. */
  dir: string | null;
  config: ConsolePublicConfig;
}

/** Paths the console never answers: the API and its documentation stay Nest's. */
export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/**
 * Picks the console folder: the explicit one, else the first candidate holding an `index.html`,
 * else the first candidate (a console built after the gateway started is then served too).
 */
export function resolveConsoleDir(explicit: string | undefined, candidates: string[]): string | null {
  if (explicit) return resolve(explicit);
  for (const candidate of candidates) if (existsSync(join(candidate, 'index.html'))) return resolve(candidate);
  return candidates.length ? resolve(candidates[0]) : null;
}

/**
 * Serves the single-page console: `/console-config.json`, the built files (hashed assets cached
 * for a year, `index.html` never), and `index.html` for any other GET outside `/api` so client
 * routes survive a reload. Every response carries the console's security headers.
 */
export function createConsoleHandler(options: ConsoleHandlerOptions): RequestHandler {
  const headers = consoleSecurityHeaders(options.config.keycloakUrl);
  const setHeaders = (res: Response) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  };
  const files = options.dir
    ? serveStatic(options.dir, {
        index: false,
        fallthrough: true,
        dotfiles: 'ignore',
        redirect: false,
        setHeaders: (res, path) => {
          setHeaders(res as Response);
          res.setHeader('Cache-Control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      })
    : null;
  const indexFile = options.dir ? join(options.dir, 'index.html') : null;
  const configBody = JSON.stringify(options.config);

  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(req.path)) return next();
    if (req.path === '/console-config.json') {
      setHeaders(res);
      res.setHeader('Cache-Control', 'no-store');
      res.type('application/json').send(configBody);
      return;
    }
    if (!files || !indexFile || !existsSync(indexFile)) return next();
    files(req, res, () => {
      // A missing file with an extension is a real 404; anything else is a client route.
      if (/\.[a-z0-9]+$/i.test(req.path)) return next();
      setHeaders(res);
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(indexFile);
    });
  };
}
