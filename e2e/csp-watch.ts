import type { Page } from '@playwright/test';

type CspWindow = Window & { __csp: string[] };

export interface CspWatch {
  /** Console errors, CSP console messages and uncaught page errors, as they happen. */
  errors: string[];
  /** The securitypolicyviolation events the page saw so far. */
  violations(): Promise<string[]>;
}

/**
 * Records everything a strict-CSP test must find empty: violations (reported by the page itself,
 * from before any script of its own runs) and console or page errors. Call before page.goto.
 */
export async function watchCsp(page: Page): Promise<CspWatch> {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(() => {
    const w = window as unknown as CspWindow;
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`), true);
  });
  return { errors, violations: () => page.evaluate(() => (window as unknown as CspWindow).__csp) };
}
