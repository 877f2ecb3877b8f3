import type { AdminEscalationsResponse } from '@prex/protocol';
import { expect, test, type Page } from '@playwright/test';
import { Widget } from '../pane.js';
import { startStack, type Stack, sessionIdOf } from '../stack.js';

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack();
});
test.afterAll(async () => {
  await stack?.close();
});

const badge = (page: Page) => page.locator('prex-launcher button[aria-haspopup=dialog] > b');

/** Every request for the pane's code, by this page. */
function paneFetches(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/widget/pane.js') seen.push(r.url());
  });
  return seen;
}

test("the team's replies reach the launcher's badge on pages where the visitor never opened the chat, and those sent while no page was open count too", async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('I want to talk to a human, please.');
  await expect(page.getByTestId('prex-handoff-open')).toBeVisible();
  const sessionId = await sessionIdOf(page);
  await page.keyboard.press('Escape');
  await expect(widget.pane).toBeHidden();

  // The next page: the visitor does not touch the launcher; a reply still shows on its badge.
  const onNextPage = paneFetches(page);
  await page.goto(stack.hostUrl);
  await expect.poll(() => onNextPage.length).toBe(1);
  await expect(widget.pane).toBeHidden();
  await expect(page.getByTestId('prex-handoff-open')).toBeAttached(); // the pane restored the conversation, closed
  await stack.admin('POST', `/v1/admin/conversations/${sessionId}/replies`, { text: 'Hi, Sam here. Still need help?', staffName: 'Sam' });
  await expect(badge(page)).toHaveText('1');

  // The visitor leaves the site; the team writes again meanwhile; back on the site, both unseen replies count.
  await page.goto('about:blank');
  await stack.admin('POST', `/v1/admin/conversations/${sessionId}/replies`, { text: 'I will close this in an hour if I hear nothing.', staffName: 'Sam' });
  await page.goto(stack.hostUrl);
  await expect(badge(page)).toHaveText('2');
  await widget.launcher.click();
  await expect(widget.answerText(widget.messages('assistant').last())).toHaveText('I will close this in an hour if I hear nothing.');
  await expect(badge(page)).toBeHidden();
  await page.keyboard.press('Escape');

  // Once the team resolved it, the next page loads no pane code before the visitor's intent.
  const { escalations } = await stack.admin<AdminEscalationsResponse>('GET', '/v1/admin/escalations?status=open');
  const escalation = escalations.find((e) => e.sessionId === sessionId)!;
  await stack.admin('PATCH', `/v1/admin/escalations/${escalation.id}`, { status: 'resolved' });
  await expect(page.getByTestId('prex-handoff-open')).toHaveCount(0);
  const afterResolve = paneFetches(page);
  await page.goto(stack.hostUrl);
  await expect(widget.launcher).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(afterResolve).toEqual([]);
  await expect(badge(page)).toBeHidden();
});
