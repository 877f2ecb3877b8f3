import { expect, type Locator, type Page } from '@playwright/test';

/** Drives the staff console the way a support agent does. */
export class Console {
  constructor(
    readonly page: Page,
    readonly origin: string,
  ) {}

  async goto(path = '/console/inbox'): Promise<void> {
    await this.page.goto(this.origin + path);
  }

  async signIn(email: string, password: string): Promise<void> {
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(this.page.getByTestId('signed-in-as')).toContainText(email);
  }

  get liveState(): Locator {
    return this.page.getByTestId('live-state');
  }
  rows(): Locator {
    return this.page.getByTestId('conversation-row');
  }
  row(sessionId: string): Locator {
    return this.page.locator(`[data-testid="conversation-row"][data-session-id="${sessionId}"]`);
  }
  status(status: 'open' | 'pending' | 'resolved' | 'snoozed'): Locator {
    return this.page.getByTestId(`status-${status}`);
  }
  get conversation(): Locator {
    return this.page.getByTestId('conversation');
  }
  threadMessages(from?: 'visitor' | 'bot' | 'staff'): Locator {
    return this.page.locator(from ? `[data-testid="thread-message"][data-from="${from}"]` : '[data-testid="thread-message"]');
  }
  get composer(): Locator {
    return this.page.locator('#composer');
  }

  async reply(text: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Reply', exact: true }).click();
    await this.composer.fill(text);
    await this.page.getByRole('button', { name: 'Send reply' }).click();
    await expect(this.composer).toHaveValue('');
  }

  async note(text: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Private note' }).click();
    await this.composer.fill(text);
    await this.page.getByRole('button', { name: 'Add note' }).click();
    await expect(this.composer).toHaveValue('');
  }
}
