import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { ADMIN_ROUTES } from '@prex/protocol';
import { startStaticServer, type StaticServer } from '@prex/testing';
import { Console } from '../console.js';
import { Widget } from '../pane.js';
import { startStack, type Stack } from '../stack.js';

/**
 * Images in answers, as a workspace sets them up and a visitor sees them: a help article with a
 * screenshot on the workspace's CDN (and a tracking pixel elsewhere); the owner names the CDN in
 * Settings → Images in answers; the visitor's answer shows the screenshot, loaded, with its alt
 * text; the other host is never contacted by the visitor's browser.
 */

let stack: Stack;
let cdn: StaticServer;
let tracker: StaticServer;
let files: string;

/** A real 2×2 PNG (so the browser decodes it and reports its natural size). */
function png(): Buffer {
  const crc = (buf: Buffer) => {
    let c = ~0;
    for (const b of buf) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    return ~c >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(2, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = Buffer.from([0, 255, 0, 0, 255, 0, 0, 0, 0, 0, 255, 0, 0, 255]);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

test.beforeAll(async () => {
  files = mkdtempSync(join(tmpdir(), 'prex-images-'));
  writeFileSync(join(files, 'export.png'), png());
  writeFileSync(join(files, 'pixel.png'), png());
  cdn = await startStaticServer({ root: files });
  tracker = await startStaticServer({ root: files });
  stack = await startStack();
  const host = new URL(cdn.url).host;
  await stack.admin('POST', ADMIN_ROUTES.documents, {
    externalId: 'quillsync-archive.md',
    title: 'Your Quillsync archive',
    content: [
      '# Your Quillsync archive',
      '',
      `![Tracking pixel](${tracker.url}/pixel.png)`,
      '',
      'To download your Quillsync archive, open Settings and choose Quillsync archive. The archive arrives as a zip file by email within a few minutes.',
      '',
      `![The Quillsync archive button in Settings](http://${host}/export.png)`,
    ].join('\n'),
  });
});

test.afterAll(async () => {
  await stack?.close();
  await Promise.all([cdn?.close(), tracker?.close()]);
  rmSync(files, { recursive: true, force: true });
});

test('the owner names the image host; the visitor’s answer shows the screenshot, and no other host is contacted', async ({ browser }) => {
  const context = await browser.newContext();
  const owner = new Console(await context.newPage(), stack.apiUrl);
  await owner.goto('/console/settings');
  await owner.signIn(stack.owner.email, stack.owner.password);
  const page = owner.page;
  await expect(page.getByRole('heading', { name: 'Images in answers' })).toBeVisible();
  await page.getByLabel('Image hosts').fill(`https://cdn.example/images\n${new URL(cdn.url).host}`);
  await page.getByRole('button', { name: 'Save image hosts' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'host name such as cdn.example' })).toBeVisible();
  await page.getByLabel('Image hosts').fill(new URL(cdn.url).host);
  await page.getByRole('button', { name: 'Save image hosts' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Answers show images from ${new URL(cdn.url).host}` })).toBeVisible();
  await context.close();

  const visitor = await browser.newPage();
  const requested: string[] = [];
  visitor.on('request', (r) => requested.push(r.url()));
  await visitor.goto(stack.hostUrl);
  const w = new Widget(visitor);
  await w.launcher.click();
  await w.input.fill('How do I download my Quillsync archive?');
  await w.input.press('Enter');
  await expect(w.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(w.answerText()).toContainText('open Settings and choose Quillsync archive');
  const image = w.answerText().locator('img.prex-img');
  await expect(image).toHaveCount(1);
  await expect(image).toHaveAttribute('alt', 'The Quillsync archive button in Settings');
  await expect(image).toHaveAttribute('loading', 'lazy');
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(2);
  // The pane stays free of anything that could run script, images included.
  expect(await w.dangerousNodes()).toEqual([]);
  expect(requested.filter((u) => u.startsWith(tracker.url))).toEqual([]);
  await visitor.close();
});
