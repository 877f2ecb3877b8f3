import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { imageAllowed } from '../src/image-hosts.js';
import { Markdown, safeHref, type Cite, type ImageAllowed } from '../src/markdown/index.js';

const t = { copy: 'Copy code', copied: 'Copied' };
function md(text: string, partial = false, cite?: Cite, img?: ImageAllowed) {
  const el = document.createElement('div');
  render(<Markdown text={text} partial={partial} t={t} cite={cite} img={img} />, el);
  return el;
}

describe('markdown', () => {
  it('renders paragraphs, emphasis, inline code and soft line breaks', () => {
    const el = md('Hello **bold** and *it* and `co*de*` ~~gone~~\nnext line\n\nSecond para with snake_case_word');
    expect(el.innerHTML).toBe(
      '<p>Hello <strong>bold</strong> and <em>it</em> and <code>co*de*</code> <s>gone</s>\nnext line</p><p>Second para with snake_case_word</p>',
    );
  });

  it('renders lists (ordered, unordered, nested) and headings', () => {
    const el = md('# Title\n\n1. one\n2. two **b**\n\n- a\n  - nested\n- b');
    expect(el.querySelector('.prex-h strong')?.textContent).toBe('Title');
    expect([...el.querySelectorAll('ol > li')].map((li) => li.textContent)).toEqual(['one', 'two b']);
    expect(el.querySelectorAll('ul')).toHaveLength(2);
    expect(el.querySelector('ul ul li')?.textContent).toBe('nested');
  });

  it('renders tables with alignment', () => {
    const el = md('| Plan | Price |\n|:--|--:|\n| Basic | $5 |\n| Pro | $10 |');
    expect([...el.querySelectorAll('th')].map((c) => c.textContent)).toEqual(['Plan', 'Price']);
    expect(el.querySelectorAll('tbody tr')).toHaveLength(2);
    expect(el.querySelector('td.prex-right')?.textContent).toBe('$5');
  });

  it('renders fenced code blocks with a copy button, even while the fence is open', () => {
    const el = md('Run:\n```sh\nnpm i <b>x</b>\n```\ndone');
    expect(el.querySelector('pre code')?.textContent).toBe('npm i <b>x</b>');
    expect(el.querySelector('b')).toBeNull();
    expect(el.querySelector('[data-testid="prex-copy"]')?.getAttribute('aria-label')).toBe('Copy code');
    expect(md('```js\nlet a', true).querySelector('pre code')?.textContent).toBe('let a');
  });

  it('links only http(s) and mailto targets', () => {
    const el = md('[ok](https://x.example/a?b=1) [bad](javascript:alert(1)) [data](data:text/html,<script>alert(1)</script>) <https://auto.example> see https://bare.example/p. [m](mailto:a@b.example) [nested [x]](https://n.example)');
    const links = [...el.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(links).toEqual(['https://x.example/a?b=1', 'https://auto.example/', 'https://bare.example/p', 'mailto:a@b.example', 'https://n.example/']);
    expect(el.textContent).toContain('bad');
    for (const a of el.querySelectorAll('a')) expect(a.getAttribute('rel')).toContain('noopener');
    expect(safeHref('JaVaScRiPt:alert(1)')).toBeNull();
    expect(safeHref('https://x" onmouseover="a')).toBeNull();
    expect(safeHref('//evil.example')).toBeNull();
  });

  it('never turns HTML in the text into elements', () => {
    const el = md('<script>alert(1)</script> <img src=x onerror=alert(1)> <svg onload=alert(1)> &lt;b&gt; **<i>x</i>**');
    expect(el.querySelectorAll('script, img, svg, i, b')).toHaveLength(0);
    expect(el.textContent).toContain('<img src=x onerror=alert(1)>');
  });

  it('renders unclosed markers as closed while streaming (no raw markers flashing)', () => {
    expect(md('Some **bol', true).innerHTML).toBe('<p>Some <strong>bol</strong></p>');
    expect(md('Some `co', true).innerHTML).toBe('<p>Some <code>co</code></p>');
    expect(md('See [the gui', true).innerHTML).toBe('<p>See the gui</p>');
    expect(md('See [the guide](https://exa', true).innerHTML).toBe('<p>See the guide</p>');
    expect(md('Some **bol', false).innerHTML).toBe('<p>Some **bol</p>');
    expect(md('5 * 3 = 15', true).innerHTML).toBe('<p>5 * 3 = 15</p>');
    expect(md('Here is **', true).innerHTML).toBe('<p>Here is </p>');
    expect(md('Here is *', true).innerHTML).toBe('<p>Here is </p>');
    expect(md('Here is **', false).innerHTML).toBe('<p>Here is **</p>');
  });

  it('a paragraph after a list is a paragraph, not part of the last item (no lazy continuation)', () => {
    const el = md('To get a refund:\n1. Open Settings.\n2. Tell us why, then confirm.\nYou will get an email.');
    expect([...el.querySelectorAll('ol > li')].map((li) => li.textContent)).toEqual(['Open Settings.', 'Tell us why, then confirm.']);
    expect(el.lastElementChild!.outerHTML).toBe('<p>You will get an email.</p>');
    // indented text still continues the item, and nested lists stay nested
    const cont = md('- one\n  more of one\n  - nested\n- two');
    expect(cont.querySelector('ul > li')!.textContent).toContain('more of one');
    expect(cont.querySelector('ul ul li')!.textContent).toBe('nested');
  });

  it('citation markers become what `cite` returns for known sources; others stay text', () => {
    const cite: Cite = (n) => (n <= 2 ? <button data-n={n}>{n}</button> : null);
    const el = md('Refunds take 14 days [1]. Annual plans **too [1, 2]**. Not a source [7]. A [link](https://x.example) [2](https://y.example).', false, cite);
    expect([...el.querySelectorAll('button')].map((b) => b.dataset.n)).toEqual(['1', '1', '2']);
    expect(el.querySelector('strong button')).not.toBeNull();
    expect(el.textContent).toContain('Not a source [7].');
    expect([...el.querySelectorAll('a')].map((a) => a.textContent)).toEqual(['link', '2']);
    // in a list item and a table cell too
    expect(md('1. Open Settings [2]\n2. done', false, cite).querySelector('li button')).not.toBeNull();
    // without `cite`, markers are text
    expect(md('Refunds [1].').textContent).toBe('Refunds [1].');
  });

  describe('images', () => {
    const hosts = imageAllowed(['cdn.example', '*.img.example', '127.0.0.1:8443']);

    it('shows an image from a named host lazily, without a referrer, with its alt text', () => {
      const img = md('See ![The settings page](https://cdn.example/settings.png "Settings") here', false, undefined, hosts).querySelector('img');
      expect(img?.getAttribute('src')).toBe('https://cdn.example/settings.png');
      expect(img?.getAttribute('alt')).toBe('The settings page');
      expect(img?.getAttribute('loading')).toBe('lazy');
      expect(img?.getAttribute('referrerpolicy')).toBe('no-referrer');
      expect(img?.className).toBe('prex-img');
      // subdomains by wildcard, and host:port exactly
      expect(md('![a](https://eu.img.example/a.png)', false, undefined, hosts).querySelector('img')).not.toBeNull();
      expect(md('![a](https://127.0.0.1:8443/a.png)', false, undefined, hosts).querySelector('img')).not.toBeNull();
    });

    it('never fetches from a host the workspace did not name: the image is a link labelled with its alt text', () => {
      for (const src of ['https://tracker.example/p.gif', 'https://cdn.example.evil.example/a.png', 'https://img.example/a.png', 'https://127.0.0.1/a.png']) {
        const el = md(`![Diagram](${src})`, false, undefined, hosts);
        expect(el.querySelector('img'), src).toBeNull();
        expect(el.querySelector('a')?.getAttribute('href')).toBe(src);
        expect(el.querySelector('a')?.textContent).toBe('Diagram');
      }
      // without the setting, no image at all
      expect(md('![a](https://cdn.example/a.png)').querySelector('img')).toBeNull();
    });

    it('drops unsafe targets to their alt text and never makes an image of mailto or data', () => {
      for (const src of ['javascript:alert(1)', 'data:image/png;base64,AAAA', 'mailto:a@b.example']) {
        const el = md(`![Alt](${src})`, false, undefined, () => true);
        expect(el.querySelector('img'), src).toBeNull();
      }
      expect(md('![Alt](javascript:alert(1))', false, undefined, () => true).textContent).toBe('Alt');
    });

    it('shows nothing of an image whose URL is still streaming', () => {
      expect(md('Look: ![The settings page](https://cdn.exa', true, undefined, hosts).textContent).toBe('Look: ');
      expect(md('Look: ![The sett', true, undefined, hosts).textContent).toBe('Look: ');
      expect(md('Look: ![a](https://cdn.example/a.png)', true, undefined, hosts).querySelector('img')).not.toBeNull();
    });
  });
});
