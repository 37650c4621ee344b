/** Injection tokens for infrastructure values (classes are their own tokens everywhere else). */
export const BRAIN_CONFIG = Symbol('BRAIN_CONFIG');
export const REDIS = Symbol('REDIS');
export const BRAIN_INSTANCE_ID = Symbol('BRAIN_INSTANCE_ID');
