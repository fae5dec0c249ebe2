/**
 * The Content-Security-Policy of the console: only the platform's own origin and Keycloak.
 * React needs nothing more — Vite emits external module scripts and stylesheets, no inline
 * code; `frame-src` lets a later silent-login iframe reach Keycloak.
 */
export function consoleContentSecurityPolicy(keycloakUrl: string): string {
  const keycloak = new URL(keycloakUrl).origin;
  return [
    "default-src 'self'",
    `connect-src 'self' ${keycloak}`,
    `frame-src ${keycloak}`,
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers set on every response of the console (files, fallback page, config). */
export function consoleSecurityHeaders(keycloakUrl: string): Record<string, string> {
  return {
    'Content-Security-Policy': consoleContentSecurityPolicy(keycloakUrl),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}
