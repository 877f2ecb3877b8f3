import type { Router } from 'express';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import type { UsageRecorder } from '../usage/types.js';
import { createMailer } from './mailer.js';
import { createEmailRouter } from './router.js';
import { startSummaryScheduler, type SummaryScheduler } from './scheduler.js';
import type { Mailer } from './types.js';

export interface EmailFeature {
  /** The one mailer of the process: the customers routes send their codes through it too. */
  mailer: Mailer;
  router: Router;
  scheduler: SummaryScheduler;
  /** Stops the summary scheduler (waiting for a scan in progress), then closes the SMTP pool. */
  shutdown(): Promise<void>;
}

/** The mailer, the email routes and the automatic summary scheduler, wired from config. */
export function createEmailFeature(deps: { config: Config; db: Db; log: Logger; usage?: UsageRecorder | undefined }): EmailFeature {
  const { config, db, log } = deps;
  const mailer = createMailer(config, log);
  const summaryDeps = { db, log, mailer, llm: config.llm, usage: deps.usage };
  const scheduler = startSummaryScheduler({ ...summaryDeps, config });
  return {
    mailer,
    router: createEmailRouter({ ...summaryDeps, config }),
    scheduler,
    async shutdown() {
      await scheduler.stop();
      await mailer.close();
    },
  };
}
