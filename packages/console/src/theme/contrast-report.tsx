import type { ThemeOverride } from '@prex/protocol';
import { MIN_TEXT_CONTRAST, SCHEME_COLORS, contrastRatio, textOnAccent, themeContrastProblems } from '@prex/protocol/wire';
import { HEX_COLOR } from './draft.js';

const ratio = (r: number) => `${(Math.floor(r * 10) / 10).toFixed(1)}:1`;
const hex = (v: string | undefined) => (v && HEX_COLOR.test(v) ? v : undefined);

/** The colours the contrast rule looks at, once they are whole #rrggbb (half-typed ones are not judged yet). */
export function colorPair(theme: ThemeOverride) {
  return { backgroundColor: hex(theme.backgroundColor), textColor: hex(theme.textColor), colorScheme: theme.colorScheme };
}

/**
 * The contrast rule the server applies on save (`themeContrastProblems`, the same function), shown
 * as the staff member types: the pane's text on its background under every scheme it may show, and
 * (advice, not a rule: the pane picks black or white for it) its text on the accent.
 */
export function ContrastReport({ theme }: { theme: ThemeOverride }) {
  const pair = colorPair(theme);
  const problems = themeContrastProblems(pair);
  const schemes = pair.colorScheme === 'dark' ? (['dark'] as const) : pair.colorScheme === 'auto' ? (['light', 'dark'] as const) : (['light'] as const);
  const worst = Math.min(
    ...schemes.map((s) => contrastRatio(pair.textColor ?? SCHEME_COLORS[s].textColor, pair.backgroundColor ?? SCHEME_COLORS[s].backgroundColor)),
  );
  const accent = hex(theme.accentColor);
  const onAccent = accent && contrastRatio(textOnAccent(accent), accent);

  return (
    <div class="contrast stack" data-testid="contrast-report">
      <p class={problems.length ? 'error' : 'ok'} data-testid="contrast-text">
        Text on background: {ratio(worst)} — {problems.length ? 'needs' : 'meets'} {MIN_TEXT_CONTRAST}:1
      </p>
      {problems.length > 0 && (
        <ul role="alert" class="error">
          {problems.map((p) => (
            <li key={p.message}>{p.message}</li>
          ))}
        </ul>
      )}
      {onAccent ? (
        <p class="muted" data-testid="contrast-accent">
          Text on accent: {ratio(onAccent)}
          {onAccent < MIN_TEXT_CONTRAST ? ` — under ${MIN_TEXT_CONTRAST}:1; a darker or lighter accent reads better on buttons` : ''}
        </p>
      ) : null}
    </div>
  );
}
