import { expect, test, type Page } from '@playwright/test';
import { ADMIN_ROUTES, STAFF_KNOWLEDGE_LIMITS, type DocumentListResponse } from '@prex/protocol';
import { axePage } from '../axe.js';
import { Console } from '../console.js';
import { startStack, type Stack } from '../stack.js';

/**
 * The Knowledge page as a workspace owner uses it: files dropped at once (the ones the server
 * refuses or cannot parse fail alone, in its words, while the good one is indexed), one too big to
 * send, a test search with scores and highlighted words, tags edited, a new version uploaded and
 * its diff read, the document deleted.
 */

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack();
});
test.afterAll(async () => {
  await stack?.close();
});

const NAME = 'parcel-lockers.md';
const V1 = '# Parcel lockers\n\nWe deliver to zebra parcel lockers in every city.\n\nA locker keeps a parcel for 3 days.\n';
const V2 = '# Parcel lockers\n\nWe deliver to zebra parcel lockers in every city.\n\nA locker keeps a parcel for 5 days.\n\nLockers open with the code we text you.\n';

/** Drops files on the drop zone as a person dragging them from their desktop would. */
async function dropFiles(page: Page, files: Array<{ name: string; type: string; text: string }>): Promise<void> {
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.text], f.name, { type: f.type }));
    return dt;
  }, files);
  await page.getByTestId('dropzone').dispatchEvent('dragover', { dataTransfer });
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
}

test('the owner uploads, searches, retags, reads a diff and deletes; the page is axe clean', async ({ browser }) => {
  const context = await browser.newContext();
  const owner = new Console(await context.newPage(), stack.apiUrl);
  await owner.goto();
  await owner.signIn(stack.owner.email, stack.owner.password);
  await owner.page.getByRole('link', { name: 'Knowledge' }).click();
  await expect(owner.page.getByRole('heading', { name: 'Knowledge base', level: 1 })).toBeVisible();
  const page = owner.page;

  // Files at once: the unsupported one is refused and the unparsable one fails, each alone and in
  // the server's words, while the good one is indexed.
  await dropFiles(page, [
    { name: NAME, type: 'text/markdown', text: V1 },
    { name: 'setup.exe', type: 'application/octet-stream', text: 'MZ not a document' },
    { name: 'broken.pdf', type: 'application/pdf', text: 'not a pdf' },
  ]);
  const good = page.getByTestId('upload').filter({ hasText: NAME });
  const bad = page.getByTestId('upload').filter({ hasText: 'setup.exe' });
  await expect(good.getByRole('progressbar', { name: `Upload of ${NAME}` })).toBeVisible();
  await expect(bad.getByRole('alert')).toContainText('Unsupported file type .exe: supported are');
  await expect(page.getByTestId('upload').filter({ hasText: 'broken.pdf' }).getByRole('alert')).toHaveText('"broken.pdf" is not a PDF (no %PDF- header)');
  await expect(good).toContainText('Ready');
  await expect(good.getByRole('progressbar')).toHaveAttribute('value', '1');
  const row = page.locator(`[data-testid="document"][data-external-id="${NAME}"]`);
  await expect(row.getByTestId('document-status')).toHaveText('ready');
  await expect(row).toContainText('1 version');

  // Too big: refused before it is sent, in words.
  await page.getByLabel('Choose files').setInputFiles({ name: 'huge.md', mimeType: 'text/markdown', buffer: Buffer.alloc(STAFF_KNOWLEDGE_LIMITS.maxFileBytes + 1, 'a') });
  await expect(page.getByTestId('upload').filter({ hasText: 'huge.md' }).getByRole('alert')).toHaveText('“huge.md” is larger than 20 MB, the most one file may be');

  // The test search: the passage, its score, the matched words marked.
  await page.getByLabel('Question').fill('zebra lockers');
  await page.getByRole('button', { name: 'Search' }).click();
  const passage = page.getByTestId('passage').filter({ hasText: 'Parcel lockers' }).first();
  await expect(passage.getByTestId('score')).toHaveText(/^score \d\.\d\d$/);
  await expect(passage.locator('mark').filter({ hasText: /^zebra$/i }).first()).toBeVisible();
  await expect(passage.locator('mark').filter({ hasText: /^lockers$/i }).first()).toBeVisible();

  // Tags, as the agents' knowledge filters see them.
  await row.getByLabel(`Tags of Parcel lockers (comma-separated)`).fill('shipping, lockers');
  await row.getByRole('button', { name: 'Save tags' }).click();
  await expect(row.getByRole('button', { name: 'Save tags' })).toHaveCount(0);
  await expect
    .poll(async () => (await stack.admin<DocumentListResponse>('GET', ADMIN_ROUTES.documents)).documents.find((d) => d.externalId === NAME)?.tags)
    .toEqual(['shipping', 'lockers']);

  // A new version through the file input, and what changed.
  await page.getByLabel('Choose files').setInputFiles({ name: NAME, mimeType: 'text/markdown', buffer: Buffer.from(V2) });
  await expect(row).toContainText('2 versions');
  await row.getByRole('button', { name: '2 versions' }).click();
  await page.getByRole('button', { name: 'Changes from version 1' }).click();
  const diff = page.getByTestId('diff');
  await expect(diff.locator('del')).toHaveText(['− A locker keeps a parcel for 3 days.']);
  await expect(diff.locator('ins')).toContainText(['+ A locker keeps a parcel for 5 days.', '+ Lockers open with the code we text you.']);

  expect((await axePage(page)).bad).toEqual([]);

  page.once('dialog', (dialog) => void dialog.accept());
  await row.getByRole('button', { name: 'Delete' }).click();
  await expect(row).toHaveCount(0);
  const left = await stack.admin<DocumentListResponse>('GET', ADMIN_ROUTES.documents);
  expect(left.documents.map((d) => d.externalId)).not.toContain(NAME);
  await context.close();
});
