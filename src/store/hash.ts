import { createHash } from 'node:crypto';

/** Bearer-like values (session cookies, codes, refresh tokens) are stored only under their hash. */
export const storageHash = (value: string): string => createHash('sha256').update(value, 'utf8').digest('base64url');
