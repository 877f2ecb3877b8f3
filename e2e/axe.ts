import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/** axe-core on the open pane only (it reaches into the open shadow roots); serious and critical fail. */
export async function axe(page: Page) {
  const results = await new AxeBuilder({ page })
    .include({ fromShadowDom: ['prex-launcher', 'prex-pane', '#prex-pane'] })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .disableRules(['region']) // the pane is a widget on someone else's page, not a page with landmarks
    .analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return {
    checked: results.passes.map((p) => p.id),
    bad: bad.map((v) => `${v.id} (${v.impact}): ${v.help} → ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`),
  };
}

/** axe-core on a whole page of ours (the console): serious and critical fail. */
export async function axePage(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return { checked: results.passes.map((p) => p.id), bad: bad.map((v) => `${v.id} (${v.impact}): ${v.help} → ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`) };
}
