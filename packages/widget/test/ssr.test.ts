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
