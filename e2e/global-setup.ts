import { createDemoTemplate, removeDemoTemplate } from './demo-template.js';

/** One demo-seeded database for the whole run (see demo-template.ts); the returned function removes it. */
export default async function globalSetup(): Promise<() => void> {
  const dir = await createDemoTemplate();
  return () => removeDemoTemplate(dir);
}
