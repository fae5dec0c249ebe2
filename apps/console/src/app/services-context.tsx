import { createContext, useContext } from 'react';
import { ApiClient, Me } from '../lib/api-client';
import { Purpose } from '../lib/purpose';
import { Route } from '../lib/router';

/** What screens use: the API, the current route, navigation and the stated purpose. */
export interface Services {
  api: ApiClient;
  me: Me;
  route: Route;
  navigate(href: string): void;
  purpose: Purpose | null;
  askPurpose(): void;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const value = useContext(ServicesContext);
  if (!value) throw new Error('useServices outside ServicesContext');
  return value;
}
