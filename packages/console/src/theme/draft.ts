import type { Theme, ThemeOverride } from '@prex/protocol';

/**
 * The Theme page's form, as text: one string per theme field (the suggestions one per line). An
 * empty text field means "the default" and is left out of the stored theme; the choices (scheme,
 * side, icon) always hold a value. Pure functions, so the page is only wiring.
 */
export type ThemeForm = Record<TextField | ChoiceField, string>;

const TEXT_FIELDS = [
  'accentColor',
  'backgroundColor',
  'textColor',
  'fontFamily',
  'cornerRadius',
  'offsetX',
  'offsetY',
  'launcherLabel',
  'title',
  'avatarUrl',
  'greeting',
  'suggestions',
  'customCss',
] as const;
const CHOICE_FIELDS = ['colorScheme', 'position', 'launcherIcon'] as const;
const NUMBER_FIELDS = new Set(['cornerRadius', 'offsetX', 'offsetY']);
type TextField = (typeof TEXT_FIELDS)[number];
type ChoiceField = (typeof CHOICE_FIELDS)[number];

export const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/** The form for a stored (partial) theme; the defaults fill the choices. */
export function formOf(stored: ThemeOverride, defaults: Theme): ThemeForm {
  const form = {} as ThemeForm;
  for (const k of TEXT_FIELDS) {
    const v = stored[k];
    form[k] = Array.isArray(v) ? v.join('\n') : v === undefined ? '' : String(v);
  }
  for (const k of CHOICE_FIELDS) form[k] = String(stored[k] ?? defaults[k]);
  return form;
}

/** The partial theme the form stands for: what PUT stores and the preview draws. Validation is the server's. */
export function overrideOf(form: ThemeForm): ThemeOverride {
  const out: Record<string, unknown> = {};
  for (const k of TEXT_FIELDS) {
    const text = form[k].trim();
    if (!text) continue;
    if (k === 'suggestions') out[k] = form[k].split('\n').map((s) => s.trim()).filter(Boolean);
    else if (NUMBER_FIELDS.has(k)) out[k] = Number(text);
    else if (k === 'customCss') out[k] = form[k];
    else out[k] = text;
  }
  for (const k of CHOICE_FIELDS) out[k] = form[k];
  return out as ThemeOverride;
}

/**
 * The override the preview's widget gets: every field the loader draws (launcher) has a value, since
 * the loader keeps an old one for a missing one; the optional ones are own keys holding undefined
 * when cleared (the pane's `update` then forgets them) and the tenant CSS is '' when there is none.
 * 'auto' shows the scheme the preview's switch stands for, as a visitor's system would choose it.
 */
export function previewThemeOf(theme: ThemeOverride, defaults: Theme, scheme: 'light' | 'dark'): ThemeOverride {
  const colorScheme = theme.colorScheme ?? defaults.colorScheme;
  return {
    ...defaults,
    backgroundColor: undefined,
    textColor: undefined,
    avatarUrl: undefined,
    ...theme,
    customCss: theme.customCss ?? '',
    colorScheme: colorScheme === 'auto' ? scheme : colorScheme,
  };
}
