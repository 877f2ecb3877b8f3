import { createHash } from 'node:crypto';

/** Emails and IP addresses are counted by hash, never kept in clear (SHA-256, hex). */
export const hashIdentifier = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
