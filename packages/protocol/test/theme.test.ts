import { describe, expect, it } from 'vitest';
import { contrastRatio, sanitizeTenantCss } from '../src/style.js';
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

  it('sanitizes tenant CSS', () => {
    expect(sanitizeTenantCss('@import url("https://x.example/a.css");\n.a{background:url(//x.example/p.png) red;behavior:url(x.htc)}/* */')).toBe('.a{background:none red;}');
    expect(themeOverrideSchema.parse({ customCss: '.a{b:expression(alert(1))}' }).customCss).toBe('.a{b:(alert(1))}');
  });
});
