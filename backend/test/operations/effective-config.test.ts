import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { effectiveConfig } from '../../src/operations/effective-config.js';

/**
 * The Operations page shows the configuration an instance runs with. Secrets must never reach the
 * browser: every one set here, in every place a secret can sit, is absent from what is shown.
 */

const SECRETS = {
  session: 'session-secret-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
  openai: 'sk-openai-secret-value-1',
  embeddings: 'sk-embeddings-secret-value-2',
  dbPassword: 'db-password-secret-3',
  dbQueryPassword: 'db-query-password-secret-4',
  smtpUser: 'smtp-user-secret-5',
  smtpPassword: 'smtp-password-secret-6',
  supabaseAnon: 'supabase-anon-key-secret-7',
  llmUrlKey: 'llm-url-key-secret-8',
  secretsKey: Buffer.alloc(32, 9).toString('base64'),
};

function configWithEverySecret(): Config {
  return loadConfig({
    PREX_SEED_DEMO: 'false',
    PREX_SESSION_SECRET: SECRETS.session,
    PREX_SECRETS_KEY: SECRETS.secretsKey,
    OPENAI_API_KEY: SECRETS.openai,
    OPENAI_BASE_URL: `https://llm.example/v1?api-key=${SECRETS.llmUrlKey}`,
    PREX_EMBEDDINGS_MODEL: 'text-embedding-3-small',
    PREX_EMBEDDINGS_API_KEY: SECRETS.embeddings,
    DATABASE_URL: `postgres://prex:${SECRETS.dbPassword}@db.example:5432/prex?sslmode=require&password=${SECRETS.dbQueryPassword}`,
    PREX_SMTP_URL: `smtps://${SECRETS.smtpUser}:${SECRETS.smtpPassword}@smtp.example:465`,
    PREX_SUPABASE_URL: 'https://ref.supabase.co',
    PREX_SUPABASE_ANON_KEY: SECRETS.supabaseAnon,
  });
}

/** A setting named for a secret: it ends in one of these (firstTokenTimeoutMs is a duration, secretFromEnv a flag). */
const SECRET_LOOKING = /(secret|key|token|password|passwd|credentials?|auth)$/i;

describe('the effective configuration, redacted', () => {
  it('holds none of the secrets, wherever they were set (keys, URL credentials, URL queries)', () => {
    const shown = JSON.stringify(effectiveConfig(configWithEverySecret()));
    for (const [what, secret] of Object.entries(SECRETS)) expect(shown, what).not.toContain(secret);
  });

  it('redacts every setting whose name looks secret, and says whether it is set', () => {
    const entries = effectiveConfig(configWithEverySecret());
    const secretLooking = entries.filter((e) => SECRET_LOOKING.test(e.name.split('.').at(-1)!));
    expect(secretLooking.map((e) => e.name)).toEqual(expect.arrayContaining(['session.secret', 'llm.apiKey', 'embeddings.apiKey', 'supabase.anonKey', 'secretsKey']));
    for (const entry of secretLooking) expect(entry, entry.name).toEqual({ name: entry.name, value: 'set (hidden)', redacted: true });
  });

  it('shows addresses without their credentials or query, and plain settings as they are', () => {
    const byName = new Map(effectiveConfig(configWithEverySecret()).map((e) => [e.name, e.value]));
    expect(byName.get('database.url')).toBe('postgres://•••@db.example:5432/prex?…');
    expect(byName.get('email.smtpUrl')).toBe('smtps://•••@smtp.example:465');
    expect(byName.get('llm.baseUrl')).toBe('https://llm.example/v1?…');
    expect(byName.get('llm.model')).toBe('gpt-4o-mini');
    expect(byName.get('port')).toBe('8787');
    expect(byName.get('session.secretFromEnv')).toBe('true');
  });

  it('hides a setting nobody declared safe (a secret added to Config later cannot leak by being forgotten)', () => {
    const config = { ...configWithEverySecret(), newProvider: { region: 'eu', clientSecret: 'new-secret-9' } } as unknown as Config;
    const entries = effectiveConfig(config).filter((e) => e.name.startsWith('newProvider.'));
    expect(entries).toEqual([
      { name: 'newProvider.region', value: 'set (hidden)', redacted: true },
      { name: 'newProvider.clientSecret', value: 'set (hidden)', redacted: true },
    ]);
  });
});
