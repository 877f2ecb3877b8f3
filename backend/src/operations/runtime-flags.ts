import type { ConfigEntry } from '@prex/protocol';
import type { Config } from '../config.js';

/** What the configuration amounts to while this instance runs, in the words an operator asks in. */
export function runtimeFlags(config: Config, capturingLogs: boolean): ConfigEntry[] {
  const flag = (name: string, value: string): ConfigEntry => ({ name, value, redacted: false });
  return [
    flag('answers', config.llm ? `by the model ${config.llm.model}` : 'extractive (no model configured)'),
    flag('retrieval', config.embeddings ? `words and vectors (${config.embeddings.model})` : 'words only (no embeddings model)'),
    flag('message labels', config.classifier === 'rules' || !config.llm ? 'by rules' : 'by the model'),
    flag('mail', config.email.smtpUrl ? 'through the SMTP relay' : 'to the outbox folder'),
    flag('database', config.database.kind === 'postgres' ? 'Postgres server' : 'embedded PGlite'),
    flag('session secret', config.session.secretFromEnv ? 'from PREX_SESSION_SECRET' : 'stored in the database'),
    flag('conversation summaries', config.summaries.inactivityMinutes > 0 ? `after ${config.summaries.inactivityMinutes} quiet minutes` : 'off'),
    flag('prompt logging', config.logPrompts ? 'on (redacted)' : 'off'),
    flag('log level', config.logLevel),
    flag('recent log lines kept', capturingLogs ? 'in memory, per instance' : 'off'),
    flag('metrics', config.metrics.port === undefined ? 'off' : `on port ${config.metrics.port}`),
    flag('demo workspace', config.demo.enabled ? 'seeded' : 'off'),
  ];
}
