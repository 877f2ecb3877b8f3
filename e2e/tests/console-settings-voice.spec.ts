import { expect, test } from '@playwright/test';
import { TENANT_ADMIN_ROUTE, type TenantSettingsResponse } from '@prex/protocol';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '@prex/testing';
import { axePage } from '../axe.js';
import { Console } from '../console.js';
import { Widget } from '../pane.js';
import { startStack, type Stack } from '../stack.js';

/**
 * The Settings page's voice input as a workspace owner uses it: the widget's microphone turned off
 * (a visitor's next page load shows none) and back on (it is there again). The server has a
 * transcription endpoint, so with voice input on the microphone shows whatever the browser's own
 * speech recognition can do.
 */

let stack: Stack;
let speech: OpenAICompatibleServer;
test.beforeAll(async () => {
  speech = await startOpenAICompatibleServer({ transcribe: { text: 'Hello', seconds: 1 } });
  stack = await startStack({ env: { PREX_TRANSCRIPTION_MODEL: 'whisper-1', PREX_TRANSCRIPTION_BASE_URL: speech.url } });
});
test.afterAll(async () => {
  await stack?.close();
  await speech?.close();
});

test('the owner turns the widget’s microphone off and on again; a visitor’s next page load follows; the page is axe clean', async ({ browser }) => {
  const owner = new Console(await (await browser.newContext()).newPage(), stack.apiUrl);
  await owner.goto();
  await owner.signIn(stack.owner.email, stack.owner.password);
  await owner.page.getByRole('link', { name: 'Settings' }).click();
  const section = owner.page.getByRole('region', { name: 'Voice input' });
  await expect(section.getByRole('radio', { name: /^On: the browser’s own speech recognition/ })).toBeChecked();

  /** A new visitor (a fresh browser profile) opens the widget: its microphone button, or none. */
  const visit = async () => {
    const visitor = new Widget(await (await browser.newContext()).newPage());
    await visitor.page.goto(stack.hostUrl);
    await visitor.open();
    await expect(visitor.input).toBeVisible();
    // The title shows once the tenant's config (and with it the microphone setting) has arrived.
    await expect(visitor.page.getByTestId('prex-title')).not.toHaveText('');
    return visitor.page;
  };
  await expect((await visit()).getByTestId('prex-voice')).toBeVisible();

  await section.getByRole('radio', { name: /^Off: no microphone/ }).check();
  await section.getByRole('button', { name: 'Save voice input' }).click();
  await expect(section.getByRole('status')).toContainText('The widget shows no microphone');
  expect((await stack.admin<TenantSettingsResponse>('GET', TENANT_ADMIN_ROUTE)).voiceInput).toBe('off');
  const offPage = await visit();
  await expect(offPage.getByTestId('prex-send')).toBeVisible();
  await expect(offPage.getByTestId('prex-voice')).toHaveCount(0);

  // After a reload the page shows what is stored.
  await owner.page.reload();
  await expect(section.getByRole('radio', { name: /^Off: no microphone/ })).toBeChecked();
  expect((await axePage(owner.page)).bad).toEqual([]);

  await section.getByRole('radio', { name: /^On: always record and transcribe on this server/ }).check();
  await section.getByRole('button', { name: 'Save voice input' }).click();
  await expect(section.getByRole('status')).toContainText('records voice messages');
  await expect((await visit()).getByTestId('prex-voice')).toBeVisible();

  await section.getByRole('radio', { name: /^On: the browser’s own speech recognition/ }).check();
  await section.getByRole('button', { name: 'Save voice input' }).click();
  await expect(section.getByRole('status')).toContainText('shows a microphone');
});
