/** Injection token of the analytics feature's validated configuration. */
export const ANALYTICS_CONFIG = Symbol('ANALYTICS_CONFIG');
