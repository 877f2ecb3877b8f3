// @vitest-environment node
import { describe, expect, it } from 'vitest';

describe('npm entry', () => {
  it('imports on the server without touching browser globals', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const mod = await import('../src/index.js');
    expect(typeof mod.createPrex).toBe('function');
    expect(typeof mod.mount).toBe('function');
    expect(() => mod.definePrexChat()).not.toThrow();
  });
});

describe('createPrex on the server (a component rendered by SSR)', () => {
  it('does not throw, draws nothing, and returns an instance whose calls do nothing', async () => {
    const { createPrex } = await import('../src/index.js');
    const prex = createPrex({ publishableKey: 'pk_demo_northwind', apiBase: 'https://prex.example' });
    const off = prex.on('message:received', () => undefined);
    expect(() => {
      prex.open();
      prex.toggle();
      prex.update({ locale: 'de' });
      prex.identify({ userId: 'u_42' }, 'a'.repeat(64));
      prex.close();
      off();
      prex.shutdown();
    }).not.toThrow();
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
  });
});
