import cors from 'cors';
import express, { type Router } from 'express';
import { ROUTES } from '@prex/protocol';
import { resolveAgent } from './agents/repository.js';
import { createAgentsFeature } from './agents/routes.js';
import { createStaffAgentsFeature } from './agents/staff-routes.js';
import { createTryItFeature } from './try-it/routes.js';
import { adminPreflight } from './auth/admin-cors.js';
import { createMemoryBus, type ConversationBus } from './bus/index.js';
import { createChannelApiFeature } from './channel-api/feature.js';
import { createChatFeature } from './chat/routes.js';
import { createConversationsFeature } from './conversations/feature.js';
import { createCopilotFeature } from './copilot/routes.js';
import { createLabelAnalyticsFeature } from './classification/routes.js';
import { createAnalyticsFeature } from './analytics/routes.js';
import { createAttachmentsFeature } from './attachments/feature.js';
import { openAttachmentStorage } from './attachments/open-storage.js';
import type { Config } from './config.js';
import { createCustomersFeature } from './customers/index.js';
import type { Db } from './db/db.js';
import { createEmailFeature } from './email/feature.js';
import { notifyStaffOfHandoff } from './email/handoff-notice.js';
import { createMailer } from './mail/mailer.js';
import type { Feature, FeatureRoutes } from './feature.js';
import { createFeedbackFeature } from './feedback/routes.js';
import { createHandoffFeature } from './handoff/feature.js';
import { createHandoffService, type HandoffOpenedListener } from './handoff/service.js';
import { createInboxFeature } from './inbox/feature.js';
import { createReadinessRouter } from './health/routes.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { requestLog } from './http/request-log.js';
import { requestMetrics } from './http/request-metrics.js';
import { createKnowledgeFeature } from './knowledge/admin-routes.js';
import { LEXICAL_RETRIEVAL, type Retrieval } from './knowledge/search/index.js';
import { createAnswerer } from './llm/index.js';
import type { LogRing } from './log-ring.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { createModelGateway } from './model/gateway.js';
import { createTranscriber } from './model/transcriber.js';
import { OPENAPI_PATH } from './openapi/operations.js';
import { discardBody } from './http/discard-body.js';
import { openApiHandler } from './openapi/routes.js';
import { createProductsFeature } from './products/routes.js';
import { createQualityFeature } from './quality/routes.js';
import { createRoutePolicies } from './routes.js';
import { createSessionsFeature } from './sessions/routes.js';
import { createSettingsFeature } from './settings/index.js';
import { createStaffSettingsFeature } from './settings/staff-routes.js';
import { createStaffThemeFeature } from './settings/staff-theme.js';
import { createRetentionFeature } from './retention/feature.js';
import { createStaffOperationsFeature } from './operations/staff-routes.js';
import { createSetupFeature } from './setup/index.js';
import { createStaffFeature } from './staff/index.js';
import { createSupabaseAuth } from './staff/supabase-auth.js';
import { createSmsFeature } from './sms/feature.js';
import { createSolutionsFeature } from './solutions/routes.js';
import { createStaticRouter } from './static.js';
import { CONSOLE_PREFIX, createConsoleRouter } from './console-static.js';
import { createUsageRecorder } from './usage/recorder.js';
import { createUsageFeature } from './usage/routes.js';
import { createVoiceFeature } from './voice/routes.js';

/** Every route of the tenant's own servers (secret key) lives under this path. */
const ADMIN_PREFIX = '/v1/admin';
/** The console's routes (staff session cookie). */
const STAFF_PREFIX = '/v1/staff/';

export interface AppDeps {
  config: Config;
  db: Db;
  log: Logger;
  /** How instances tell each other about answers and conversations; in memory (one process) when not given. */
  bus?: ConversationBus;
  /** Where the app counts what it does; a registry of its own when not given. */
  metrics?: Metrics;
  /** The logger's recent lines in memory (the console's Operations page); none kept when not given. */
  logRing?: LogRing;
  /** Knowledge search and embedding as start-up configured them (configureRetrieval); lexical only when not given. */
  retrieval?: Retrieval;
}

export interface PrexApp {
  app: express.Express;
  /** Stops live answers and ends open streams; call before closing the HTTP server and the db. */
  shutdown(): Promise<void>;
  /** Resolves when the staff notices of handoffs opened so far were sent (or failed). */
  handoffNoticesSettled(): Promise<void>;
}

/**
 * The composition root: builds every collaborator once, hands each feature its deps and the route
 * policies, and mounts what the features return. No business logic lives here.
 */
export function createApp(deps: AppDeps): PrexApp {
  const { config, db, log } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxyHops);
  app.use(requestLog(log), requestMetrics(metrics));

  // Public routes reflect any origin: the allow-list is enforced per tenant by publishableKeyAuth,
  // and the browser must be able to read that 403 to show it. The admin API has its own CORS policy.
  // The staff API and the console are same-origin only (this server serves both): no CORS headers at all.
  const publicCors = cors({ origin: true, maxAge: 600 });
  app.use((req, res, next) => (req.path.startsWith(ADMIN_PREFIX) || req.path.startsWith(STAFF_PREFIX) || req.path.startsWith(CONSOLE_PREFIX) ? next() : publicCors(req, res, next)));
  app.use(ADMIN_PREFIX, adminPreflight(db));
  app.get(ROUTES.health, discardBody, (_req, res) => {
    res.json({ ok: true });
  });
  app.use(createReadinessRouter({ db, log }));
  app.get(OPENAPI_PATH, discardBody, openApiHandler());

  // Collaborators, built once.
  const routes = createRoutePolicies({ config, db, log, metrics });
  const usage = createUsageRecorder(db, config, log, metrics);
  const gateway = createModelGateway({ llm: config.llm, usage });
  const transcriber = config.transcription && createTranscriber(config.transcription);
  const mailer = createMailer(config, log);
  const bus = deps.bus ?? createMemoryBus();
  const retrieval = deps.retrieval ?? LEXICAL_RETRIEVAL;
  // Told of each handoff besides the staff email: the SMS feature's manager notices (built later, after the chat it answers with).
  const handoffListeners: HandoffOpenedListener[] = [];
  // Every path that opens an escalation goes through this service; it emails the tenant's staff once.
  const handoff = createHandoffService({
    db,
    log,
    bus,
    onOpened: (tenantId, escalation) =>
      Promise.all([
        notifyStaffOfHandoff({ db, log, mailer }, { tenantId, sessionId: escalation.sessionId, reason: escalation.reason, source: escalation.source }),
        ...handoffListeners.map((listener) => listener(tenantId, escalation)),
      ]),
  });

  // Visitors' answers and the console's drafts speak with the same answerer.
  const answerer = createAnswerer({ config, gateway, log });
  const chat = createChatFeature({ db, config, log, gateway, answerer, search: retrieval.search, bus, routes, metrics, seams: { createEscalation: handoff.createEscalation, usage } });
  const sms = createSmsFeature({ config, db, log, routes, bus, answer: chat.answer });
  handoffListeners.push(sms.handoffOpened);
  const features: Feature[] = [
    createSettingsFeature({ db, routes, transcription: Boolean(transcriber) }),
    createSessionsFeature({ db, config, routes }),
    createKnowledgeFeature({
      db,
      log,
      routes,
      retrieval,
      ingestion: config.ingestion,
      metrics,
      agentTags: async (tenantId, name) => (await resolveAgent(db, tenantId, name)).knowledgeFilter.tags,
    }),
    createAgentsFeature({ db, log, gateway, routes }),
    createUsageFeature({ db, routes }),
    createLabelAnalyticsFeature({ db, routes }),
    createQualityFeature({ db, log, routes }),
    createProductsFeature({ db, routes }),
    createHandoffFeature({ db, bus, log, routes, handoff }),
    createConversationsFeature({ config, db, bus, routes }),
    createCustomersFeature({ db, config, log, mailer, routes, phone: sms.phoneChannel }),
    createEmailFeature({ db, config, log, mailer, gateway, routes }),
    createFeedbackFeature({ db, config, routes }),
    createStaffFeature({ db, log, mailer, bus, handoff, routes, publicOrigin: config.publicOrigin, supabase: config.supabase && createSupabaseAuth(config.supabase) }),
    createSetupFeature({ db, routes, publicUrl: config.publicUrl, supabase: config.supabase }),
    createInboxFeature({ config, db, log, bus, handoff, routes }),
    createStaffSettingsFeature({ db, routes, publicUrl: config.publicUrl, transcription: Boolean(transcriber) }),
    createStaffThemeFeature({ db, routes }),
    createRetentionFeature({ db, log }),
    createStaffOperationsFeature({ db, log, config, routes, logRing: deps.logRing }),
    createCopilotFeature({ config, db, log, routes, answerer, search: retrieval.search, usage }),
    createStaffAgentsFeature({ db, log, gateway, routes }),
    createTryItFeature({ config, db, log, routes, answerer, search: retrieval.search, usage }),
    createSolutionsFeature({ db, log, routes, indexChunks: retrieval.indexChunks }),
    createAnalyticsFeature({ db, routes }),
    createAttachmentsFeature({ db, log, bus, routes, storage: openAttachmentStorage(config) }),
    chat,
    sms,
    createChannelApiFeature({ db, log, routes, bus, handoff, answer: chat.answer }),
    createVoiceFeature({ routes, log, transcriber }),
  ];
  for (const feature of features) {
    for (const router of routersOf(feature.adminRoutes)) app.use(router);
    for (const router of routersOf(feature.publicRoutes)) app.use(router);
  }

  app.use(createStaticRouter(config, log));
  app.use(createConsoleRouter(config, log));
  app.use(notFoundHandler());
  app.use(errorHandler(log));
  for (const feature of features) feature.start?.();

  return {
    app,
    handoffNoticesSettled: () => handoff.settled(),
    // The rate limiter's memory store uses an unref'd timer: nothing to stop there.
    async shutdown() {
      await Promise.all(features.map((f) => f.stop?.()));
      // Handoff notices still with the relay finish before the mailer closes.
      await handoff.settled();
      await mailer.close();
    },
  };
}

function routersOf(routes: FeatureRoutes | undefined): readonly Router[] {
  if (!routes) return [];
  return Array.isArray(routes) ? routes : [routes as Router];
}
