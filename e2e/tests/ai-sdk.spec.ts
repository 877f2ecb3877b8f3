import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_KEY, startStack, type Stack } from '../stack.js';

/**
 * The Vercel AI SDK's real useChat (from @ai-sdk/react) in a tiny React page, against the real
 * backend: resume on mount, a streamed answer, regenerate, and two chats of one session.
 */

const here = dirname(fileURLToPath(import.meta.url));
let stack: Stack;
let out: string;

/** The model's replies: numbered, and held while `hold` is pending (an answer that is still streaming). */
let replies = 0;
let hold: Promise<void> = Promise.resolve();

test.beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'prex-ai-sdk-page-'));
  const vite = join(here, '..', '..', 'packages', 'widget', 'node_modules', 'vite', 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', join(here, '..', 'ai-sdk-page'), '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], { stdio: 'inherit' });
  stack = await startStack({
    root: out,
    llm: async () => {
      await hold;
      replies += 1;
      return { text: `Refunds take 30 days, answer ${replies}.` };
    },
  });
});
test.afterAll(async () => {
  await stack?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

const chatPage = (page: Page, chat: string) => page.goto(`${stack.hostUrl}?chat=${chat}`);
const status = (page: Page) => page.getByTestId('status');
const turns = (page: Page, role: 'user' | 'assistant') => page.locator(`li[data-role="${role}"]`);

async function ask(page: Page, text: string): Promise<void> {
  await page.getByLabel('Question').fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

/** The chat's history as the server keeps it (the page's session token, GET history ?chatId=). */
function serverHistory(page: Page, chat: string): Promise<Array<[string, string]>> {
  return page.evaluate(
    async ({ api, key, chat }) => {
      const token = localStorage.getItem('ai-sdk-page:token');
      const res = await fetch(`${api}/v1/sessions/current/messages?chatId=${chat}`, { headers: { 'x-prex-key': key, authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { messages: Array<{ role: string; text: string }> };
      return body.messages.map((m) => [m.role, m.text] as [string, string]);
    },
    { api: stack.apiUrl, key: DEMO_KEY, chat },
  );
}

test('resume is on: mounting a chat with nothing streaming asks once, gets 204 and shows no error', async ({ page }) => {
  const resumes: number[] = [];
  page.on('response', (res) => {
    if (res.url() === `${stack.apiUrl}/v1/chat/quiet/stream`) resumes.push(res.status());
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await chatPage(page, 'quiet');
  await expect.poll(() => resumes).toEqual([204]);
  await expect(status(page)).toHaveText('ready');
  await expect(page.getByTestId('error')).toHaveText('');
  expect(errors).toEqual([]);
});

test('a question gets its answer streamed; regenerate replaces it and the history keeps one user turn', async ({ page }) => {
  await chatPage(page, 'regen');
  await ask(page, 'How do I get a refund?');
  await expect(turns(page, 'assistant')).toHaveText(/Refunds take 30 days, answer \d+\./);
  await expect(status(page)).toHaveText('ready');
  const first = await turns(page, 'assistant').textContent();

  await page.getByRole('button', { name: 'Regenerate' }).click();
  await expect(turns(page, 'assistant')).not.toHaveText(first!);
  await expect(status(page)).toHaveText('ready');
  await expect(turns(page, 'user')).toHaveCount(1);
  await expect(turns(page, 'assistant')).toHaveCount(1);
  const second = await turns(page, 'assistant').textContent();
  expect(await serverHistory(page, 'regen')).toEqual([
    ['user', 'How do I get a refund?'],
    ['assistant', second],
  ]);
});

test('two chats of one session keep separate histories', async ({ page }) => {
  await chatPage(page, 'alpha');
  await ask(page, 'Alpha question about refunds?');
  await expect(status(page)).toHaveText('ready');
  await expect(turns(page, 'assistant')).toHaveCount(1);

  await chatPage(page, 'beta');
  await ask(page, 'Beta question about refunds?');
  await expect(status(page)).toHaveText('ready');
  await expect(turns(page, 'user')).toHaveText(['Beta question about refunds?']);

  expect((await serverHistory(page, 'alpha')).map(([role, text]) => (role === 'user' ? text : role))).toEqual(['Alpha question about refunds?', 'assistant']);
  expect((await serverHistory(page, 'beta')).map(([role, text]) => (role === 'user' ? text : role))).toEqual(['Beta question about refunds?', 'assistant']);
});

test('a reload mid-answer resumes the running answer by chat id', async ({ page }) => {
  let release!: () => void;
  hold = new Promise<void>((resolve) => (release = resolve));
  try {
    await chatPage(page, 'reload');
    await ask(page, 'How do I get a refund?');
    // The model has not answered yet: the answer streams on the server while the page reloads.
    await expect.poll(() => serverHistory(page, 'reload')).toEqual([
      ['user', 'How do I get a refund?'],
      ['assistant', ''],
    ]);
    const resumed = page.waitForResponse((res) => res.url() === `${stack.apiUrl}/v1/chat/reload/stream`);
    await page.reload();
    expect((await resumed).status()).toBe(200);
    release();
    await expect(turns(page, 'assistant')).toHaveText(/Refunds take 30 days, answer \d+\./);
    await expect(status(page)).toHaveText('ready');
    await expect(page.getByTestId('error')).toHaveText('');
  } finally {
    release();
    hold = Promise.resolve();
  }
});
