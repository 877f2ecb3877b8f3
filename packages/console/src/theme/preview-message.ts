import type { ThemeOverride } from '@prex/protocol';

/**
 * What the Theme page posts to its preview document (same origin, checked on both ends): the draft
 * as the widget's theme override, the workspace's name for the header, and the host page's scheme
 * the preview stands in for. Types only, so the preview document shares no chunk with the console.
 */
export interface PreviewDraft {
  type: 'prex-theme-preview';
  /**
   * Every field present: a cleared optional one (a colour, the avatar) as an own key holding
   * undefined, which the widget's `update` reads as "not overridden", so the preview forgets it.
   */
  theme: ThemeOverride;
  tenantName: string;
  scheme: 'light' | 'dark';
}

/** The preview document is listening: the page sends the current draft. */
export interface PreviewReady {
  type: 'prex-theme-preview-ready';
}
