import cors from 'cors';
import express from 'express';
import { LIMITS, ROUTES } from '@prex/protocol';
import { createAdminApi } from './admin/router.js';
import { createAgentsRouter } from './agents/router.js';
import { createChatRouter } from './chat/router.js';
import { createEmailFeature } from './email/feature.js';
import { createCustomersAdminRouter, createCustomersRouter } from './customers/index.js';
import { createFeedbackRouter } from './feedback/router.js';
import { createHandoffAdminRouter } from './handoff/admin-router.js';
import { createHandoffRouter } from './handoff/visitor-router.js';
import { createHandoffService } from './handoff/service.js';
import { notifyStaffOfHandoff } from './email/index.js';
import { createProductsAdminRouter } from './products/router.js';
import type { Config } from './config.js';
import type { Db } from './db/db.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { publicRateLimit } from './http/rate-limit.js';
import { createQualityAdminRouter } from './quality/router.js';
import type { Logger } from './logger.js';
import { createSessionsRouter } from './sessions/router.js';
import { createStaticRouter } from './static.js';
import { createWidgetConfigRouter } from './tenants/router.js';
import { createThemeAdminRouter } from './tenants/theme-router.js';
import { createUsageAdminRouter } from './usage/router.js';
import { createUsageRecorder } from './usage/recorder.js';

export interface AppDeps {
  config: Config;
  db: Db;
  log: Logger;
}

export interface PrexApp {
  app: express.Express;
  /** Stops live answers and ends open streams; call before closing the HTTP server and the db. */
  shutdown(): Promise<void>;
  /** Resolves when the staff notices of handoffs opened so far were sent (or failed). */
  handoffNoticesSettled(): Promise<void>;
}

/** Mounts every feature's routes; the features own their logic. */
export function createApp(deps: AppDeps): PrexApp {
  const { config, db, log } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxyHops);

  // Reflect any origin: the allow-list is enforced per tenant by publishableKeyAuth, and the
  // browser must be able to read that 403 to show it.
  app.use(cors({ origin: true, maxAge: 600 }));
  app.get(ROUTES.health, (_req, res) => {
    res.json({ ok: true });
  });

  // One usage recorder for every feature that calls a model (answers, classification, personas, summaries).
  const usage = createUsageRecorder(db, config, log);

  // Admin first: it parses its own, larger bodies, and server-to-server calls are not rate limited.
  const admin = createAdminApi(db, { log });
  app.use(admin.router);
  app.use(createThemeAdminRouter(db));
  app.use(createAgentsRouter({ db, config, log, usage }));
  app.use(createUsageAdminRouter(db));
  app.use(createQualityAdminRouter(db, log));
  app.use(createProductsAdminRouter(db));
  app.use(createHandoffAdminRouter(db));
  // Email: its mailer (shared with the customers routes), routes and the automatic summary scheduler.
  const email = createEmailFeature({ config, db, log, usage });
  app.use(email.router);
  app.use(createCustomersAdminRouter({ db }));
  // Every path that opens an escalation goes through this service; it emails the tenant's staff once.
  const handoff = createHandoffService({
    db,
    log,
    onOpened: (tenantId, escalation) =>
      notifyStaffOfHandoff({ db, log, mailer: email.mailer }, { tenantId, sessionId: escalation.sessionId, reason: escalation.reason, source: escalation.source }),
  });

  const limiter = publicRateLimit(config);
  app.use('/v1', limiter);
  app.use(express.json({ limit: LIMITS.maxBodyBytes, strict: true }));
  app.use(createWidgetConfigRouter(db));
  app.use(createSessionsRouter(db, config));
  app.use(createFeedbackRouter(db, config));
  app.use(createHandoffRouter(db, config, handoff));
  app.use(createCustomersRouter({ config, db, log, mailer: email.mailer }));
  const chat = createChatRouter({ config, db, log, seams: { createEscalation: handoff.createEscalation, usage } });
  app.use(chat.router);

  app.use(createStaticRouter(config, log));
  app.use(notFoundHandler());
  app.use(errorHandler(log));

  return {
    app,
    handoffNoticesSettled: () => handoff.settled(),
    // The rate limiter's memory store uses an unref'd timer: nothing to stop there.
    async shutdown() {
      await Promise.all([chat.shutdown(), admin.worker.stop()]);
      // Handoff notices still with the relay finish before the mailer closes.
      await handoff.settled();
      await email.shutdown();
    },
  };
}
