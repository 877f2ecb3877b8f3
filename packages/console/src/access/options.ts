import { signal } from '@preact/signals';
import { STAFF_ACCESS_ROUTES } from '@prex/protocol/wire';
import type { SetupStatusResponse } from '@prex/protocol';
import { api } from '../api.js';

/** undefined until asked: whether the server still needs its first workspace, and how staff sign in. */
export const access = signal<SetupStatusResponse | undefined>(undefined);

export async function loadAccess(): Promise<void> {
  access.value = await api<SetupStatusResponse>('GET', STAFF_ACCESS_ROUTES.setup);
}
