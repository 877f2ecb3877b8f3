import type { ConversationBus } from '../bus/index.js';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import type { Routes } from '../http/route-group.js';
import type { Logger } from '../logger.js';
import { startErasureWorker, type ErasureWorker } from './erasures.js';
import { addStaffAttachmentRoutes } from './staff-routes.js';
import type { AttachmentStorage } from './storage.js';
import { addVisitorAttachmentRoutes } from './visitor-routes.js';

/** Erased files leave storage within a minute: retention and erasure are counted in days. */
const ERASURE_INTERVAL_MS = 60_000;

export interface AttachmentsFeature extends Feature {
  erasures: ErasureWorker | undefined;
}

/**
 * Files visitors attach to their conversation: the visitor's upload and read-back, the console's
 * view and settings, and the worker that removes the files of erased conversations from storage.
 */
export function createAttachmentsFeature(deps: { db: Db; log: Logger; bus: ConversationBus; routes: Routes; storage: AttachmentStorage; erasureIntervalMs?: number }): AttachmentsFeature {
  const visitor = deps.routes.visitor();
  addVisitorAttachmentRoutes(visitor, deps);
  const staff = deps.routes.staff();
  addStaffAttachmentRoutes(staff, deps);
  const feature: AttachmentsFeature = {
    publicRoutes: [visitor.router, staff.router],
    erasures: undefined,
    start() {
      feature.erasures = startErasureWorker({ ...deps, intervalMs: deps.erasureIntervalMs ?? ERASURE_INTERVAL_MS });
    },
    async stop() {
      await feature.erasures?.stop();
    },
  };
  return feature;
}
