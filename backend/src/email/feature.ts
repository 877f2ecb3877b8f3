import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import type { Routes } from '../http/route-group.js';
import type { Logger } from '../logger.js';
import type { ModelGateway } from '../model/gateway.js';
import { addEmailRoutes } from './routes.js';
import { startSummaryScheduler, type SummaryScheduler } from './scheduler.js';
import type { Mailer } from '../mail/types.js';

export interface EmailFeatureDeps {
  config: Config;
  db: Db;
  log: Logger;
  routes: Routes;
  /** The one mailer of the process (the customers routes send their codes through it too). */
  mailer: Mailer;
  /** Writes the summary above the transcript; null: the transcript alone. */
  gateway: ModelGateway | null;
}

export interface EmailFeature extends Feature {
  scheduler: SummaryScheduler | undefined;
}

/** "Email me this conversation", the tenant's email events, and the automatic summary scheduler. */
export function createEmailFeature(deps: EmailFeatureDeps): EmailFeature {
  const { config, db, log, mailer } = deps;
  const summaryDeps = { db, log, mailer, gateway: deps.gateway };
  const visitor = deps.routes.visitor();
  const admin = deps.routes.admin();
  addEmailRoutes({ visitor, admin }, { ...summaryDeps, config });
  const feature: EmailFeature = {
    publicRoutes: visitor.router,
    adminRoutes: admin.router,
    scheduler: undefined,
    start() {
      feature.scheduler = startSummaryScheduler({ ...summaryDeps, config });
    },
    async stop() {
      await feature.scheduler?.stop();
    },
  };
  return feature;
}
