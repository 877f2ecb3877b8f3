import { ConfigError, loadConfig, type Config } from './config.js';
import { LogRing } from './log-ring.js';
import { createLogger } from './logger.js';
import { demoOwnerNotice } from './seed/demo-owner.js';
import { startServer } from './server.js';

/** Start-up: validated config (a bad variable stops here, named), database, demo seed, listen. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logRing = new LogRing();
  const log = createLogger(config.logLevel, undefined, { prompts: config.logPrompts, ring: logRing });
  const server = await startServer({ config, log, logRing });
  log.info('Prex is listening', { url: server.url, database: config.database.kind });
  if (config.demo.enabled) {
    log.info('demo tenant ready', { publishableKey: config.demo.publishableKey, origins: config.demo.origins.join(',') });
    log.info(`paste on a page served from an allowed origin: <script src="${server.url}/loader.js" data-prex-key="${config.demo.publishableKey}" async></script>`);
    // Whatever the log level: the password exists nowhere else.
    if (server.demo?.owner) process.stdout.write(`${demoOwnerNotice(server.demo.owner, server.url, config.demo.publishableKey)}\n`);
  }

  const stop = (signal: NodeJS.Signals) => {
    log.info('shutting down', { signal });
    // A second signal means "now".
    process.once(signal, () => process.exit(1));
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('shutdown failed', { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`[prex] error start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
