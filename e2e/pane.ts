import { expect, type Locator, type Page } from '@playwright/test';

/** Drives the widget the way a visitor does; Playwright's locators pierce its shadow roots. */
export class Widget {
  constructor(readonly page: Page) {}

  get launcher(): Locator {
    return this.page.locator('prex-launcher button[aria-haspopup=dialog]');
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

  /** The pane's shadow root content as a list of problems: elements or attributes that could run script. */
  async dangerousNodes(): Promise<string[]> {
    return this.page.evaluate(() => {
      const bad: string[] = [];
      const ALLOWED_URL = /^(https?:|mailto:)/i;
      const visit = (root: Document | ShadowRoot) => {
        for (const el of root.querySelectorAll('*')) {
          const tag = el.tagName.toLowerCase();
          if (['script', 'iframe', 'object', 'embed', 'style', 'link', 'meta', 'base', 'form', 'math', 'details', 'video', 'audio', 'source'].includes(tag)) {
            // the pane's own forms: composer, feedback comment, the account panel's steps
            const ownForm = tag === 'form' && ['prex-composer', 'prex-comment', 'prex-form', 'prex-card'].some((c) => el.classList.contains(c));
            if (!ownForm) bad.push(`<${tag}>`);
          }
          // an answer's image from the tenant's image hosts (its src is checked below like every URL)
          if (tag === 'img' && !el.classList.contains('prex-header-avatar') && !el.classList.contains('prex-img')) bad.push('<img>');
          if (tag === 'svg' && !el.closest('button, .prex-avatar')) bad.push('<svg> outside an icon');
          for (const attr of el.attributes) {
            const name = attr.name.toLowerCase();
            if (name.startsWith('on')) bad.push(`${tag}[${name}]`);
            if (['href', 'src', 'action', 'formaction', 'xlink:href', 'srcdoc'].includes(name) && !ALLOWED_URL.test(attr.value.trim())) {
              bad.push(`${tag}[${name}=${attr.value}]`);
            }
          }
          if (el.shadowRoot) visit(el.shadowRoot);
        }
      };
      const pane = (function find(root: Document | ShadowRoot): ShadowRoot | null {
        for (const el of root.querySelectorAll('*')) {
          if (el.tagName.toLowerCase() === 'prex-pane' && el.shadowRoot) return el.shadowRoot;
          if (el.shadowRoot) {
            const inner = find(el.shadowRoot);
            if (inner) return inner;
          }
        }
        return null;
      })(document);
      if (!pane) return ['no pane'];
      visit(pane);
      return bad;
    });
  }

  /** Every text the last answer showed, one entry per animation frame where it changed. */
  async recordAnswerTexts(): Promise<() => Promise<string[]>> {
    await this.page.evaluate(() => {
      const selector = '[data-testid="prex-message"][data-role="assistant"] [data-testid="prex-message-text"]';
      const findAll = (root: Document | ShadowRoot): Element[] => {
        const found = [...root.querySelectorAll(selector)];
        for (const el of root.querySelectorAll('*')) if (el.shadowRoot) found.push(...findAll(el.shadowRoot));
        return found;
      };
      const seen: string[] = [];
      (window as unknown as { __prexTexts: string[] }).__prexTexts = seen;
      const tick = () => {
        const text = findAll(document).at(-1)?.textContent;
        if (text !== undefined && text !== null && seen.at(-1) !== text) seen.push(text);
        requestAnimationFrame(tick);
      };
      tick();
    });
    return () => this.page.evaluate(() => (window as unknown as { __prexTexts: string[] }).__prexTexts);
  }

  /** Picks an item of the header's "more" menu (new conversation, history, talk to a human, email, account). */
  async fromMenu(item: 'prex-new-chat' | 'prex-history-button' | 'prex-menu-human' | 'prex-menu-email' | 'prex-menu-account'): Promise<void> {
    await this.page.getByTestId('prex-menu-button').click();
    await this.page.getByTestId(item).click();
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
    const texts = await this.recordAnswerTexts();
    return async () => (await texts()).map((t) => t.length).filter((n, i, all) => i === 0 || all[i - 1] !== n);
  }
}
