import type { Theme } from '@prex/protocol';

/** A business using Prex. Keys are never kept here in clear: only the secret's hash lives in the row. */
export interface Tenant {
  id: string;
  name: string;
  publishableKey: string;
  allowedOrigins: string[];
  theme: Theme;
  createdAt: Date;
}
