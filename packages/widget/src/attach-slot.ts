import { signal } from '@preact/signals';

/** The attachments chunk (attach/index.tsx) once loaded, on the first file attached or shown; the pane renders its parts. */
export const attachChunk = signal<typeof import('./attach/index.js') | null>(null);
export const loadAttach = () => import('./attach/index.js').then((m) => (attachChunk.value = m));
