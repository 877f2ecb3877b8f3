import { expect, type Locator, type Page } from '@playwright/test';

/** Drives the widget the way a visitor does; Playwright's locators pierce its shadow roots. */
export class Widget {
  constructor(readonly page: Page) {}

  get launcher(): Locator {
    return this.page.getByTestId('prex-launcher');
  }
  get pane(): Locator {
    return this.page.getByTestId('prex-pane');
  }
  get input(): Locator {
    return this.page.getByTestId('prex-input');
  }
  messages(role?: 'user' | 'assistant'): Locator {
    return this.page.locator(role ? `[data-testid="prex-message"][data-role="${role}"]` : '[data-testid="prex-message"]');
  }
  lastAnswer(): Locator {
    return this.messages('assistant').last();
  }
  answerText(answer: Locator = this.lastAnswer()): Locator {
    return answer.getByTestId('prex-message-text');
  }

  async open(): Promise<void> {
    await this.launcher.click();
    await expect(this.pane).toBeVisible();
  }

  async ask(question: string): Promise<void> {
    await this.input.fill(question);
    await this.input.press('Enter');
  }

  /**
   * Records every distinct length the last answer's text takes on screen, sampled each frame,
   * so a test can tell an answer that streamed in from one that appeared at once.
   */
  async recordAnswerLengths(): Promise<() => Promise<number[]>> {
    await this.page.evaluate(() => {
      const selector = '[data-testid="prex-message"][data-role="assistant"] [data-testid="prex-message-text"]';
      const findAll = (root: Document | ShadowRoot): Element[] => {
        const found = [...root.querySelectorAll(selector)];
        for (const el of root.querySelectorAll('*')) if (el.shadowRoot) found.push(...findAll(el.shadowRoot));
        return found;
      };
      const seen: number[] = [];
      (window as unknown as { __prexLengths: number[] }).__prexLengths = seen;
      const tick = () => {
        const length = findAll(document).at(-1)?.textContent?.length;
        if (length !== undefined && seen.at(-1) !== length) seen.push(length);
        requestAnimationFrame(tick);
      };
      tick();
    });
    return () => this.page.evaluate(() => (window as unknown as { __prexLengths: number[] }).__prexLengths);
  }
}
