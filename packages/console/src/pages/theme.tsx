import type { TargetedEvent } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { LAUNCHER_ICONS, MAX_CUSTOM_CSS_CHARS, STAFF_THEME_ROUTES, THEME_LIMITS as L, themeContrastProblems } from '@prex/protocol/wire';
import type { StaffThemeResponse } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { session } from '../auth.js';
import { colorPair, ContrastReport } from '../theme/contrast-report.js';
import { formOf, HEX_COLOR, overrideOf, type ThemeForm } from '../theme/draft.js';
import { ThemePreview } from '../theme/theme-preview.js';
import { useAction } from '../use-action.js';
import { useAsync } from '../use-async.js';

const HEX_PATTERN = HEX_COLOR.source.slice(1, -1);

/**
 * The widget's look (owners and admins), with the real widget beside the form drawing the draft as
 * it is typed. Save stores it with the admin API's rules; colours under the contrast rule cannot be
 * saved. Visitors get the saved theme on their next page load (the widget config is never cached).
 */
export default function ThemePage() {
  const [saved, setSaved] = useState<StaffThemeResponse | null>(null);
  const [form, setForm] = useState<ThemeForm | null>(null);
  const load = useAsync(async () => {
    const theme = await api<StaffThemeResponse>('GET', STAFF_THEME_ROUTES.theme);
    setSaved(theme);
    setForm(formOf(theme.stored, theme.defaults));
  }, []);

  return (
    <main class="page stack theme-page">
      <h1>Theme</h1>
      {load.error ? <p role="alert">{messageOf(load.error)}</p> : null}
      {saved && form && <Editor saved={saved} form={form} onForm={setForm} onSaved={(s) => (setSaved(s), setForm(formOf(s.stored, s.defaults)))} />}
    </main>
  );
}

function Editor({ saved, form, onForm, onSaved }: { saved: StaffThemeResponse; form: ThemeForm; onForm: (f: ThemeForm) => void; onSaved: (s: StaffThemeResponse) => void }) {
  const { busy, error, run } = useAction();
  const [done, setDone] = useState(false);
  const theme = useMemo(() => overrideOf(form), [form]);
  const blocked = themeContrastProblems(colorPair(theme)).length > 0;
  const d = saved.defaults;

  const set = (name: keyof ThemeForm) => (event: TargetedEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => {
    setDone(false);
    onForm({ ...form, [name]: event.currentTarget.value });
  };
  const text = (name: keyof ThemeForm, label: string, props: Record<string, string | number> = {}) => (
    <label>
      {label}
      <input name={name} value={form[name]} onInput={set(name)} autoComplete="off" {...props} />
    </label>
  );
  const color = (name: 'accentColor' | 'backgroundColor' | 'textColor', label: string, fallback: string) => (
    <div class="color-field">
      {text(name, label, { pattern: HEX_PATTERN, placeholder: fallback, title: 'A colour written as #rrggbb' })}
      <input type="color" aria-label={`${label}: pick`} value={HEX_COLOR.test(form[name]) ? form[name].toLowerCase() : '#000000'} onInput={set(name)} />
    </div>
  );
  const choice = (name: 'colorScheme' | 'position' | 'launcherIcon', label: string, options: readonly string[]) => (
    <label>
      {label}
      <select name={name} value={form[name]} onChange={set(name)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
  const number = (name: 'cornerRadius' | 'offsetX' | 'offsetY', label: string, max: number) =>
    text(name, label, { type: 'number', min: 0, max, step: 1, placeholder: String(d[name]) });

  async function save(event: Event) {
    event.preventDefault();
    if (blocked) return;
    const ok = await run(async () => onSaved(await api<StaffThemeResponse>('PUT', STAFF_THEME_ROUTES.theme, theme)));
    setDone(ok);
  }

  return (
    <div class="theme-editor">
      <form class="stack theme-form" onSubmit={save}>
        <p class="muted">Empty fields use the default, shown greyed.</p>
        <fieldset class="stack">
          <legend>Colours</legend>
          {color('accentColor', 'Accent colour', d.accentColor)}
          {choice('colorScheme', 'Colour scheme', ['light', 'dark', 'auto'])}
          {color('backgroundColor', 'Background colour', "the scheme's")}
          {color('textColor', 'Text colour', "the scheme's")}
          <ContrastReport theme={theme} />
        </fieldset>
        <fieldset class="stack">
          <legend>Pane</legend>
          {text('title', 'Title', { maxLength: L.maxTitleChars, placeholder: d.title })}
          {text('avatarUrl', 'Avatar image URL', { type: 'url', maxLength: L.maxAvatarUrlChars, placeholder: 'https://…' })}
          <label>
            Greeting
            <textarea name="greeting" rows={2} maxLength={L.maxGreetingChars} value={form.greeting} placeholder={d.greeting} onInput={set('greeting')} />
          </label>
          <label>
            Suggested questions (one a line, at most {L.maxSuggestions})
            <textarea name="suggestions" rows={3} value={form.suggestions} onInput={set('suggestions')} />
          </label>
          {text('fontFamily', 'Font family', { maxLength: L.maxFontFamilyChars, placeholder: d.fontFamily })}
          {number('cornerRadius', 'Corner radius (px)', L.maxCornerRadius)}
        </fieldset>
        <fieldset class="stack">
          <legend>Launcher</legend>
          {choice('position', 'Side', ['left', 'right'])}
          {number('offsetX', 'Distance from the side (px)', L.maxOffset)}
          {number('offsetY', 'Distance from the bottom (px)', L.maxOffset)}
          {choice('launcherIcon', 'Icon', LAUNCHER_ICONS)}
          {text('launcherLabel', 'Label (read by screen readers)', { maxLength: L.maxLauncherLabelChars, placeholder: d.launcherLabel })}
        </fieldset>
        <label>
          Custom CSS (the pane only; allow-listed properties, nothing that loads)
          <textarea name="customCss" rows={4} maxLength={MAX_CUSTOM_CSS_CHARS * 2} class="code" value={form.customCss} onInput={set('customCss')} />
        </label>
        <div class="row">
          <button type="submit" disabled={busy || blocked}>
            Save theme
          </button>
          {blocked && <span class="error">Fix the contrast first.</span>}
        </div>
        {error && <p role="alert">{error}</p>}
        {done && (
          <p role="status" class="ok">
            Theme saved: visitors see it on their next page load.
          </p>
        )}
      </form>
      <ThemePreview theme={theme} defaults={d} tenantName={session.value?.tenant.name ?? ''} />
    </div>
  );
}
