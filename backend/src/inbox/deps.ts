import type { ConversationBus } from '../bus/index.js';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import type { HandoffService } from '../handoff/service.js';
import type { Routes } from '../http/route-group.js';
import type { Logger } from '../logger.js';

export interface InboxDeps {
  config: Pick<Config, 'heartbeatMs'>;
  db: Db;
  log: Logger;
  /** The tenant's live inbox (every instance), and what changes announce on it. */
  bus: ConversationBus;
  /** Hand-back resolves the open handoff through it (the widget hears of it). */
  handoff: HandoffService;
  routes: Routes;
}
