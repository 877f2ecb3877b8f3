import { expect, test, type Browser } from '@playwright/test';
import type { ReceivedMail } from '@prex/testing';
import { axePage } from '../axe.js';
import { Console } from '../console.js';
import { Widget } from '../pane.js';
import { sessionIdOf, startStack, type Stack } from '../stack.js';

/**
 * Running the team from the console: an owner changes a teammate's role, withdraws an invitation,
 * removes an account (signed out at once), changes their own password (their other browsers
 * signed out, this one not), and gives themselves the display name visitors see on their replies.
 */

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack({ smtp: true });
});
test.afterAll(async () => {
  await stack?.close();
});

async function consoleIn(browser: Browser): Promise<Console> {
  return new Console(await (await browser.newContext()).newPage(), stack.apiUrl);
}

const inviteLink = (mail: ReceivedMail) => {
  const link = /https?:\/\/[^\s"<>]+\/console\/accept-invite#token=[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
  if (!link) throw new Error(`no invitation link in: ${mail.text}`);
  return link;
};

async function invite(owner: Console, email: string): Promise<void> {
  const form = owner.page.getByRole('form', { name: 'Invite someone' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Role').selectOption('agent');
  await owner.page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(owner.page.getByRole('status')).toContainText(`Invitation sent to ${email}`);
}

test('an owner promotes a teammate, withdraws an invitation and removes an account; the removed one is signed out', async ({ browser }) => {
  const owner = await consoleIn(browser);
  await owner.goto('/console/team');
  await owner.signIn(stack.owner.email, stack.owner.password);

  await invite(owner, 'ines@northwind.example');
  const mail = await stack.smtp!.waitFor((m) => m.to.includes('ines@northwind.example'), 15_000);
  const ines = await consoleIn(browser);
  await ines.page.goto(inviteLink(mail));
  await ines.page.getByLabel('Choose a password').fill('ines keeps a tidy inbox');
  await ines.page.getByLabel('Same password again').fill('ines keeps a tidy inbox');
  await ines.page.getByRole('button', { name: 'Create my account' }).click();
  await ines.page.getByRole('link', { name: 'Sign in' }).click();
  await ines.signIn('ines@northwind.example', 'ines keeps a tidy inbox');
  await expect(ines.page.getByRole('link', { name: 'Team' })).toHaveCount(0);

  // Promoted to admin: her console shows the team at the next page load.
  await owner.page.reload();
  await owner.page.getByLabel('Role of ines@northwind.example').selectOption('admin');
  await expect(owner.page.getByRole('status')).toContainText('ines@northwind.example is now an admin');
  await ines.page.reload();
  await expect(ines.page.getByTestId('signed-in-as')).toContainText('admin');
  await expect(ines.page.getByRole('link', { name: 'Team' })).toBeVisible();

  // An invitation sent by mistake is withdrawn.
  await invite(owner, 'wrong-address@northwind.example');
  const pending = owner.page.getByTestId('pending-invite').filter({ hasText: 'wrong-address@northwind.example' });
  await pending.getByRole('button', { name: /Withdraw/ }).click();
  await expect(owner.page.getByRole('status')).toContainText('The invitation to wrong-address@northwind.example was withdrawn');
  await expect(pending).toHaveCount(0);

  const axe = await axePage(owner.page);
  expect(axe.bad).toEqual([]);

  // Removed: gone from the list, and her open console is back at the sign-in page.
  owner.page.once('dialog', (d) => void d.accept());
  await owner.page.getByTestId('team-account').filter({ hasText: 'ines@northwind.example' }).getByRole('button', { name: /Remove/ }).click();
  await expect(owner.page.getByRole('status')).toContainText('ines@northwind.example was removed');
  await expect(owner.page.getByTestId('team-account').filter({ hasText: 'ines@northwind.example' })).toHaveCount(0);
  await ines.page.reload();
  await expect(ines.page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await expect(ines.page.getByTestId('signed-in-as')).toHaveCount(0);
  await owner.page.getByRole('button', { name: 'Sign out', exact: true }).click();
});

test('the owner names themselves on the Account page: the team list shows the name, and a visitor sees it on the reply, never the email', async ({ browser }) => {
  const owner = await consoleIn(browser);
  await owner.goto('/console/inbox');
  await owner.signIn(stack.owner.email, stack.owner.password);
  await owner.page.getByTestId('signed-in-as').click();
  const name = owner.page.getByLabel('Name visitors see on your replies');
  await name.fill('Bad\u202Ename');
  await owner.page.getByRole('button', { name: 'Save name' }).click();
  await expect(owner.page.getByRole('alert')).toContainText('name contains a control character');
  await name.fill('Noor');
  await owner.page.getByRole('button', { name: 'Save name' }).click();
  await expect(owner.page.getByRole('status')).toContainText('visitors now see “Noor” on your replies');
  await owner.page.reload();
  await expect(owner.page.getByLabel('Name visitors see on your replies')).toHaveValue('Noor');
  expect((await axePage(owner.page)).bad).toEqual([]);

  await owner.goto('/console/team');
  await expect(owner.page.getByTestId('team-account').filter({ hasText: stack.owner.email })).toContainText('Noor');

  // A visitor asks for a person; the owner's reply reaches the widget signed "Noor".
  const visitor = new Widget(await (await browser.newContext()).newPage());
  await visitor.page.goto(stack.hostUrl);
  await visitor.open();
  await visitor.ask('I want to talk to a human, please.');
  await expect(visitor.page.getByTestId('prex-handoff-open')).toBeVisible();
  const sessionId = await sessionIdOf(visitor.page);
  await owner.goto('/console/inbox');
  await owner.row(sessionId).click();
  await owner.reply('Noor here, I will sort this out.');
  const reply = visitor.messages('assistant').last();
  await expect(visitor.answerText(reply)).toHaveText('Noor here, I will sort this out.');
  await expect(reply.getByTestId('prex-author')).toHaveText('Noor');
  await expect(owner.threadMessages('staff').last()).toContainText('Noor');
  await expect(visitor.pane).not.toContainText(stack.owner.email);
  await visitor.page.context().close();
  await owner.page.getByRole('button', { name: 'Sign out', exact: true }).click();
});

test('the owner changes their own password: this browser stays signed in, the other one is signed out', async ({ browser }) => {
  const here = await consoleIn(browser);
  await here.goto('/console/inbox');
  await here.signIn(stack.owner.email, stack.owner.password);
  const elsewhere = await consoleIn(browser);
  await elsewhere.goto('/console/inbox');
  await elsewhere.signIn(stack.owner.email, stack.owner.password);

  await here.page.getByTestId('signed-in-as').click();
  await expect(here.page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  const newPassword = 'a longer passphrase for the owner';
  await here.page.getByLabel('Current password').fill('not the password');
  await here.page.getByLabel(/^New password \(at least/).fill(newPassword);
  await here.page.getByLabel('New password again').fill(newPassword);
  await here.page.getByRole('button', { name: 'Change password' }).click();
  await expect(here.page.getByRole('alert')).toContainText("currentPassword is not this account's password");

  await here.page.getByLabel('Current password').fill(stack.owner.password);
  await here.page.getByRole('button', { name: 'Change password' }).click();
  // At least the one opened above; another test's session may still be open (tests run in any order).
  await expect(here.page.getByRole('status')).toContainText(/\d+ other sessions? (was|were) signed out/);
  expect((await axePage(here.page)).bad).toEqual([]);

  await here.page.reload();
  await expect(here.page.getByTestId('signed-in-as')).toContainText(stack.owner.email);
  await elsewhere.page.reload();
  await expect(elsewhere.page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await elsewhere.signIn(stack.owner.email, newPassword);

  // The old password back, so the stack's owner signs in as before in any test that runs after.
  await here.page.getByLabel('Current password').fill(newPassword);
  await here.page.getByLabel(/^New password \(at least/).fill(stack.owner.password);
  await here.page.getByLabel('New password again').fill(stack.owner.password);
  await here.page.getByRole('button', { name: 'Change password' }).click();
  await expect(here.page.getByRole('status')).toContainText(/signed out|changed/);
});
