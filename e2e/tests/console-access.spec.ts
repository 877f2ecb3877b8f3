import { expect, test, type Browser } from '@playwright/test';
import { startSupabaseAuthServer, type ReceivedMail } from '@prex/testing';
import { axePage } from '../axe.js';
import { Console } from '../console.js';
import { startStack, type Stack } from '../stack.js';

/**
 * The ways into the console, as a new team meets them: first-run setup on a fresh install, an
 * invitation accepted, sign-in limits, sign-out everywhere, a forgotten password, Supabase Auth.
 */

const linkIn = (mail: ReceivedMail, page: 'accept-invite' | 'reset-password') => {
  const link = new RegExp(`https?://[^\\s"<>]+/console/${page}#token=[A-Za-z0-9_-]+`).exec(mail.text)?.[0];
  if (!link) throw new Error(`no ${page} link in: ${mail.text}`);
  return link;
};

async function consoleIn(browser: Browser, stack: Stack): Promise<Console> {
  return new Console(await (await browser.newContext()).newPage(), stack.apiUrl);
}

test.describe('a fresh install', () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack({ seedDemo: false, smtp: true });
  });
  test.afterAll(async () => {
    await stack?.close();
  });

  test('first-run setup creates the workspace and its owner, shows the keys once; the owner invites an agent, who accepts and signs in', async ({ browser }) => {
    const owner = await consoleIn(browser, stack);
    await owner.goto();
    await expect(owner.page.getByRole('heading', { name: 'Set up Prex' })).toBeVisible();
    expect((await axePage(owner.page)).bad).toEqual([]);

    const form = owner.page.getByTestId('setup-form');
    await form.getByLabel('Workspace name').fill('Fjord Bikes');
    await form.getByLabel("Your site's address").fill('not a url at all');
    await form.getByLabel('Your name').fill('Ingrid Berg');
    await form.getByLabel('Your email').fill('ingrid@fjord.example');
    await form.getByLabel('Password (at least').fill('a long enough password');
    await form.getByLabel('Same password again').fill('a long enough password');
    // The browser's own check stops a malformed address before the server sees it.
    await form.getByRole('button', { name: 'Create workspace' }).click();
    await expect(owner.page.getByTestId('setup-done')).toHaveCount(0);
    await form.getByLabel("Your site's address").fill('https://fjord.example');
    await form.getByRole('button', { name: 'Create workspace' }).click();

    const done = owner.page.getByTestId('setup-done');
    await expect(done).toContainText('Fjord Bikes is ready');
    await expect(done.getByTestId('secret-key')).toHaveText(/^sk_/);
    await expect(done.getByTestId('embed-snippet')).toContainText('data-prex-key="pk_');
    await done.getByRole('button', { name: 'Go to the inbox' }).click();
    await expect(owner.page.getByTestId('workspace-name')).toHaveText('Fjord Bikes');
    await expect(owner.page.getByTestId('signed-in-as')).toContainText('ingrid@fjord.example · owner');

    // Setup is once: another browser now gets the sign-in page, and the route refuses.
    const late = await consoleIn(browser, stack);
    await late.goto();
    await expect(late.page.getByRole('heading', { name: 'Sign in to Prex' })).toBeVisible();
    const again = await late.page.request.post(`${stack.apiUrl}/v1/staff/setup`, {
      data: { workspaceName: 'Hijack', origin: 'https://evil.example', ownerName: 'Eve', email: 'eve@evil.example', password: 'another long password' },
      headers: { origin: stack.apiUrl },
    });
    expect(again.status()).toBe(409);

    // The owner invites an agent; the mail's link opens the console's accept page.
    await owner.page.getByRole('link', { name: 'Team' }).click();
    await owner.page.getByLabel('Email').fill('olav@fjord.example');
    await owner.page.getByRole('form', { name: 'Invite someone' }).getByLabel('Role').selectOption('agent');
    await owner.page.getByRole('button', { name: 'Send invitation' }).click();
    await expect(owner.page.getByRole('status')).toContainText('Invitation sent to olav@fjord.example');
    await expect(owner.page.getByTestId('pending-invite')).toContainText('olav@fjord.example');
    const invitation = await stack.smtp!.waitFor((m) => m.to.includes('olav@fjord.example'), 15_000);

    const agent = await consoleIn(browser, stack);
    await agent.page.goto(linkIn(invitation, 'accept-invite'));
    await agent.page.getByLabel('Choose a password').fill('olav rides a blue bike');
    await agent.page.getByLabel('Same password again').fill('olav rides a blue bike');
    await agent.page.getByRole('button', { name: 'Create my account' }).click();
    await expect(agent.page.getByRole('status')).toContainText('olav@fjord.example is ready');
    // The one-time token left the address bar (it is refused when used again, below).
    expect(agent.page.url()).not.toContain('#token=');
    await agent.page.getByRole('link', { name: 'Sign in' }).click();
    await agent.signIn('olav@fjord.example', 'olav rides a blue bike');
    await expect(agent.page.getByTestId('signed-in-as')).toContainText('agent');
    // Agents work the inbox; the team page is not theirs.
    await expect(agent.page.getByRole('link', { name: 'Inbox' })).toBeVisible();
    await expect(agent.page.getByRole('link', { name: 'Team' })).toHaveCount(0);

    const replay = await consoleIn(browser, stack);
    await replay.page.goto(linkIn(invitation, 'accept-invite'));
    await replay.page.getByLabel('Choose a password').fill('someone else entirely');
    await replay.page.getByLabel('Same password again').fill('someone else entirely');
    await replay.page.getByRole('button', { name: 'Create my account' }).click();
    await expect(replay.page.getByRole('alert')).toBeVisible();
  });
});

test.describe('the demo workspace', () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack({ smtp: true });
  });
  test.afterAll(async () => {
    await stack?.close();
  });

  test('wrong passwords lock the email for a while; the right one then waits too', async ({ browser }) => {
    const c = await consoleIn(browser, stack);
    await c.goto();
    for (let i = 0; i < 5; i++) {
      await c.page.getByLabel('Email').fill(stack.owner.email);
      await c.page.getByLabel('Password').fill(`wrong guess ${i}`);
      await c.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect(c.page.getByRole('alert')).toContainText(/email or password/i);
    }
    await c.page.getByLabel('Password').fill(stack.owner.password);
    await c.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(c.page.getByRole('alert')).toContainText(/Too many failed sign-ins.*try again in 15 minutes/);
    await expect(c.page.getByTestId('signed-in-as')).toHaveCount(0);
  });
});

test.describe('password reset and signing out everywhere', () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack({ smtp: true });
  });
  test.afterAll(async () => {
    await stack?.close();
  });

  test('sign out everywhere ends the other browsers’ sessions; a forgotten password is reset by a mailed link, once', async ({ browser }) => {
    const laptop = await consoleIn(browser, stack);
    const phone = await consoleIn(browser, stack);
    for (const c of [laptop, phone]) {
      await c.goto();
      await c.signIn(stack.owner.email, stack.owner.password);
    }
    await laptop.page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await expect(laptop.page.getByRole('heading', { name: 'Sign in to Prex' })).toBeVisible();
    await phone.page.reload();
    await expect(phone.page.getByRole('heading', { name: 'Sign in to Prex' })).toBeVisible();

    await laptop.page.getByRole('link', { name: 'Forgot your password?' }).click();
    await laptop.page.getByLabel("Your account's email").fill(stack.owner.email);
    await laptop.page.getByRole('button', { name: 'Email me a link' }).click();
    await expect(laptop.page.getByTestId('reset-sent')).toBeVisible();
    const mail = await stack.smtp!.waitFor((m) => m.to.includes(stack.owner.email), 15_000);
    const link = linkIn(mail, 'reset-password');

    await laptop.page.goto(link);
    await laptop.page.getByLabel('New password').fill('a brand new password');
    await laptop.page.getByLabel('Same password again').fill('a brand new password');
    await laptop.page.getByRole('button', { name: 'Change password' }).click();
    await expect(laptop.page.getByRole('status')).toContainText(`The password of ${stack.owner.email} is changed`);
    await laptop.page.getByRole('link', { name: 'Sign in' }).click();
    await laptop.signIn(stack.owner.email, 'a brand new password');

    // The link was for one use.
    await phone.page.goto(link);
    await phone.page.getByLabel('New password').fill('an attacker password');
    await phone.page.getByLabel('Same password again').fill('an attacker password');
    await phone.page.getByRole('button', { name: 'Change password' }).click();
    await expect(phone.page.getByRole('alert')).toContainText(/already used|expired|invalid/i);
  });
});

test.describe('Supabase Auth', () => {
  let stack: Stack;
  let supabase: Awaited<ReturnType<typeof startSupabaseAuthServer>>;
  test.beforeAll(async () => {
    supabase = await startSupabaseAuthServer();
    stack = await startStack({ supabase });
  });
  test.afterAll(async () => {
    await stack?.close();
    await supabase?.close();
  });

  test('staff sign in with their Supabase account, mapped to their staff account by email; a stranger is refused', async ({ browser }) => {
    supabase.addUser({ email: stack.owner.email, password: 'my supabase password' });
    supabase.addUser({ email: 'stranger@elsewhere.example', password: 'stranger password' });
    const c = await consoleIn(browser, stack);
    await c.goto();
    const viaSupabase = c.page.getByTestId('sign-in-supabase');

    await c.page.getByLabel('Email').fill('stranger@elsewhere.example');
    await c.page.getByLabel('Password').fill('stranger password');
    await viaSupabase.click();
    await expect(c.page.getByRole('alert')).toContainText(/no staff account|not staff/i);

    await c.page.getByLabel('Email').fill(stack.owner.email);
    await c.page.getByLabel('Password').fill('not my supabase password');
    await viaSupabase.click();
    await expect(c.page.getByRole('alert')).toContainText('Invalid login credentials');

    await c.page.getByLabel('Password').fill('my supabase password');
    await viaSupabase.click();
    await expect(c.page.getByTestId('signed-in-as')).toContainText(stack.owner.email);
    // The backend checked the token with Supabase, with the project's anon key.
    expect(supabase.requests.some((r) => r.path === '/auth/v1/user' && r.apikey === supabase.anonKey)).toBe(true);
  });
});
