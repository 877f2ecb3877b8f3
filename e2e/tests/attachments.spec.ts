import { expect, test } from '@playwright/test';
import { axe, axePage } from '../axe.js';
import { Console } from '../console.js';
import { Widget } from '../pane.js';
import { startStack, type Stack, sessionIdOf } from '../stack.js';

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack();
});
test.afterAll(async () => {
  await stack?.close();
});

/** A real 1×1 PNG: Chromium decodes it, so a thumbnail that loaded has a natural width. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

test('a visitor attaches an image: a progress bar, the image in their conversation, staff see it in the console and open it', async ({ browser }) => {
  const visitorContext = await browser.newContext();
  const page = await visitorContext.newPage();
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await expect(page.getByTestId('prex-attach')).toHaveAccessibleName('Attach a file');

  // The upload is held at the network until the bar has been seen (loopback is too quick to catch it otherwise).
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/v1\/attachments\?/, async (route) => {
    await held;
    await route.continue();
  });
  await page.getByTestId('prex-file-input').setInputFiles({ name: 'receipt photo.png', mimeType: 'image/png', buffer: PNG });
  await expect(page.getByTestId('prex-upload-progress')).toHaveAccessibleName('Sending receipt photo.png');
  release();
  const sent = widget.messages('user').last();
  await expect(sent.getByTestId('prex-file')).toContainText('receipt photo.png');
  // The thumbnail was fetched with the session token and decoded.
  await expect.poll(() => sent.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
  await expect(page.getByTestId('prex-upload')).toHaveCount(0);
  const sessionId = await sessionIdOf(page);
  // It is part of the conversation's history: still there after a reload.
  await page.reload();
  await expect(widget.pane).toBeVisible();
  await expect(widget.messages('user').last().getByTestId('prex-file')).toContainText('receipt photo.png');

  // Staff see it in the conversation view, as an image loaded with their session cookie.
  const staffContext = await browser.newContext();
  const console_ = new Console(await staffContext.newPage(), stack.apiUrl);
  await console_.goto(`/console/inbox/${sessionId}`);
  await console_.signIn(stack.owner.email, stack.owner.password);
  const link = console_.threadMessages('visitor').last().getByTestId('attachment-link');
  await expect(link).toContainText('receipt photo.png');
  await expect.poll(() => link.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);

  // Opening it shows the file itself, served as the image it is, never sniffed as anything else.
  const [opened] = await Promise.all([staffContext.waitForEvent('page'), link.click()]);
  await expect(opened).toHaveURL(/\/v1\/staff\/attachments\/att_/);
  await expect.poll(() => opened.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
  const served = await staffContext.request.get(opened.url());
  expect(served.headers()['content-type']).toBe('image/png');
  expect(served.headers()['x-content-type-options']).toBe('nosniff');
  expect(served.headers()['content-disposition']).toContain(`filename*=UTF-8''receipt%20photo.png`);
  // The visitor's route is theirs alone: staff's cookie opens nothing there.
  expect((await staffContext.request.get(opened.url().replace('/v1/staff/attachments/', '/v1/attachments/'))).status()).toBe(401);

  await staffContext.close();
  await visitorContext.close();
});

test('a file that is not what it claims is refused, and the widget says why in words', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await page.getByTestId('prex-file-input').setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('<html><script>alert(1)</script></html>') });
  await expect(page.getByRole('alert').filter({ hasText: 'fake.png' })).toContainText('sent as a PNG image, but it is a plain text file');
  await expect(widget.messages('user')).toHaveCount(0);
  await context.close();
});

test('a file dropped on the composer, and one pasted into the message box, are attached too', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  const carrying = (name: string, text: string) =>
    page.evaluateHandle(
      ([n, t]) => {
        const data = new DataTransfer();
        data.items.add(new File([t!], n!, { type: 'text/plain' }));
        return data;
      },
      [name, text],
    );
  await page.getByTestId('prex-composer').dispatchEvent('drop', { dataTransfer: await carrying('dropped.txt', 'order 1234') });
  await expect(widget.messages('user').last().getByTestId('prex-file')).toContainText('dropped.txt');
  // Playwright's dispatchEvent makes a plain Event for 'paste': a real ClipboardEvent carries the file.
  const clipboard = await carrying('pasted.txt', 'order 5678');
  await widget.input.evaluate((input, data) => input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true })), clipboard);
  await expect(widget.messages('user').last().getByTestId('prex-file')).toContainText('pasted.txt');
  await expect(widget.input).toHaveValue('');
  await context.close();
});

test("the owner limits attachments in Settings; the widget then says what the workspace takes; axe finds nothing serious on either", async ({ browser }) => {
  const staffContext = await browser.newContext();
  const console_ = new Console(await staffContext.newPage(), stack.apiUrl);
  await console_.goto('/console/settings');
  await console_.signIn(stack.owner.email, stack.owner.password);
  const form = console_.page.getByTestId('attachment-settings');
  await expect(form.getByLabel('Visitors may attach files to a conversation')).toBeChecked();
  await form.getByLabel('Text files').uncheck();
  await form.getByLabel('PDFs').uncheck();
  await form.getByLabel('Largest file (MB)').fill('1');
  await form.getByRole('button', { name: 'Save attachment settings' }).click();
  await expect(console_.page.getByText('Attachment settings saved')).toBeVisible();
  expect((await axePage(console_.page)).bad).toEqual([]);

  const context = await browser.newContext();
  const page = await context.newPage();
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await page.getByTestId('prex-file-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('order 42') });
  await expect(page.getByRole('alert').filter({ hasText: 'notes.txt' })).toContainText('this workspace takes PNG image, JPEG image, GIF image and WebP image');
  expect((await axe(page)).bad).toEqual([]);

  // Back to the defaults for the other tests of the file.
  await form.getByLabel('Text files').check();
  await form.getByLabel('PDFs').check();
  await form.getByLabel('Largest file (MB)').fill('10');
  await form.getByRole('button', { name: 'Save attachment settings' }).click();
  await staffContext.close();
  await context.close();
});
