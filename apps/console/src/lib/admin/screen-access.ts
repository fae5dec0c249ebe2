/** The operations screens and the realm role each needs; the navigation shows only those the user holds. */
export type OperationScreen = 'ingestion' | 'audit' | 'admin';

export const SCREEN_ROLES: Readonly<Record<OperationScreen, string>> = {
  ingestion: 'vigie-ingest',
  audit: 'vigie-auditor',
  admin: 'vigie-admin',
};

export function canOpen(screen: OperationScreen, roles: readonly string[]): boolean {
  return roles.includes(SCREEN_ROLES[screen]);
}

/** The operations screens the roles open, in navigation order. */
export function operationScreens(roles: readonly string[]): OperationScreen[] {
  return (Object.keys(SCREEN_ROLES) as OperationScreen[]).filter((screen) => canOpen(screen, roles));
}
