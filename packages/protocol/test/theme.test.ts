import { describe, expect, it } from 'vitest';
import { contrastRatio } from '../src/style.js';
import { checkTenantCss } from '../src/tenant-css.js';
import { defaultTheme, themeContrastProblems, themeOverrideSchema, themeSchema } from '../src/theme.js';

describe('theme schema', () => {
  it('completes defaults; an override keeps only what was given', () => {
    expect(defaultTheme).toMatchObject({ fontFamily: 'system', cornerRadius: 16, offsetX: 20, offsetY: 20, launcherIcon: 'chat', suggestions: [] });
    expect(themeOverrideSchema.parse({ title: 'Hi' })).toEqual({ title: 'Hi' });
  });

  it('computes WCAG contrast and guards text/background pairs', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
    expect(themeContrastProblems({ backgroundColor: '#ffffff', textColor: '#111827' })).toEqual([]);
    const [p] = themeContrastProblems({ backgroundColor: '#ffffff', textColor: '#aaaaaa' });
    expect(p).toMatchObject({ path: 'textColor', ratio: 2.32 });
    // auto: one colour is checked against both schemes' defaults
    expect(themeContrastProblems({ backgroundColor: '#808080', colorScheme: 'auto' }).length).toBeGreaterThan(0);
    expect(themeSchema.safeParse({ textColor: '#eeeeee' }).success).toBe(false);
    expect(themeSchema.safeParse({ textColor: '#eeeeee', colorScheme: 'dark' }).success).toBe(true);
  });

  it('refuses unsafe values', () => {
    for (const bad of [{ avatarUrl: 'javascript:alert(1)' }, { launcherIcon: 'x' }, { fontFamily: 'a;}*{x:y' }, { cornerRadius: 1.5 }, { offsetX: -1 }, { suggestions: ['', 'x'] }]) {
      expect(themeOverrideSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('accepts tenant CSS made of allow-listed rules, properties and values, rebuilt without comments', () => {
    const css = '/* brand */ .prex-header { background: linear-gradient(90deg, #0f766e, rgb(15 118 110 / 50%)); color: #fff !important }\n' +
      '@media (max-width: 480px) { .prex-title { font-family: "Segoe UI", Georgia, serif; letter-spacing: 2px; border-color: var(--prex-accent) } }';
    expect(checkTenantCss(css)).toEqual({
      css: '.prex-header{background:linear-gradient(90deg, #0f766e, rgb(15 118 110 / 50%));color:#fff!important}' +
        '@media (max-width: 480px){.prex-title{font-family:"Segoe UI", Georgia, serif;letter-spacing:2px;border-color:var(--prex-accent)}}',
      problems: [],
    });
  });

  it('refuses every way tenant CSS could fetch from another host, naming the property or rule', () => {
    const hostile: [string, RegExp][] = [
      ['.a{cursor:image-set(url(https://evil.example/c.png) 1x), auto}', /cursor: .* calls image-set\(\)/],
      ['.a{cursor:-webkit-image-set("https://evil.example/c.png" 1x), pointer}', /cursor: .* calls -webkit-image-set\(\)/],
      ['.a{background:image-set("https://evil.example/b.png" 1x)}', /background: .* calls image-set\(\)/],
      ['.a{background:-WEBKIT-IMAGE-SET(url(//evil.example/b.png) 1x)}', /background: .* calls -WEBKIT-IMAGE-SET\(\)/],
      ['.a{background-image:url(https://evil.example/b.png)}', /background-image: .* calls url\(\)/],
      ['.a{background:u\\72l(https://evil.example/b.png)}', /background: .* backslash/],
      ['.a{mask-image:image-set("https://evil.example/m.png" 1x)}', /mask-image is not a property/],
      ['.a{-webkit-mask-image:linear-gradient(red, blue)}', /-webkit-mask-image is not a property/],
      ['.a{list-style-image:url(https://evil.example/l.png)}', /list-style-image is not a property/],
      ['.a{border-image:url(https://evil.example/b.png) 30}', /border-image: .* calls url\(\)/],
      ['.a{content:attr(data-secret)}', /content is not a property/],
      ['.a{color:attr(data-color type(<color>))}', /color: .* calls attr\(\)/],
      ['.a{background:src("https://evil.example/s.png")}', /background: .* calls src\(\)/],
      ['.a{background:cross-fade(url(https://evil.example/x.png), red)}', /calls cross-fade\(\)/],
      ['.a{background:paint(leak)}', /calls paint\(\)/],
      ['.a{color:var(--host-secret)}', /reads var\(--host-secret\)/],
      ['.a{--prex-accent:url(https://evil.example/v.png)}', /--prex-accent is not a property/],
      ['.a{font-family:"https://evil.example/"}', /font-family: .* which tenant CSS values may not contain/],
      ['.a{b:expression(alert(1))}', /b is not a property/],
      ['@import "https://evil.example/x.css";', /@import is not allowed/],
      ['@import url(https://evil.example/x.css) screen;', /@import is not allowed/],
      ['@font-face{font-family:x;src:url(https://evil.example/f.woff)}', /@font-face is not allowed/],
      ['@namespace svg url(http://www.w3.org/2000/svg);', /@namespace is not allowed/],
      ['@media (min-width: 1px){@import "x.css";}', /@import is not allowed/],
      ['@supports (color:red){.a{color:red}}', /@supports is not allowed/],
      ['.a{position:fixed;inset:0}', /position is not a property/],
      ['.a{color:red', /is not valid CSS: Unclosed block/],
      ['.a{.b{background:url(https://evil.example/n.png)}}', /nested rules are not allowed/],
      ['.a\\31 {color:red}', /is not a plain selector/],
      ['.a;@import "https://evil.example/x.css";.b{color:red}', /is not valid CSS: Unknown word/],
    ];
    for (const [css, problem] of hostile) {
      const checked = checkTenantCss(css);
      expect(checked.problems.join('; '), css).toMatch(problem);
      expect(checked.css, css).not.toMatch(/evil\.example|url\(|image-set|@import|@font-face|attr\(|src\(/i);
    }
  });

  it('the theme schema refuses hostile CSS with the problem under customCss', () => {
    const result = themeOverrideSchema.safeParse({ customCss: '.a{cursor:image-set("https://evil.example/c.png" 1x), auto}' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['customCss'], message: expect.stringMatching(/^tenant CSS cursor: .* calls image-set\(\)/) });
    expect(themeOverrideSchema.parse({ customCss: '.a { color: red }' }).customCss).toBe('.a{color:red}');
  });
});
