/*
 * What an embedder and the pane agree on: the options of `mount` and the handle it returns,
 * declared once in @prex/protocol/embed (the loader imports the same types). Re-exported here so
 * that the custom element (element.ts), which mount.tsx registers, can name them without
 * importing the module that imports it.
 */
export type { Identity, MountOptions, PaneHandle } from '@prex/protocol/embed';
