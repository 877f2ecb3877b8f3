import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import type { Logger } from '../logger.js';
import { startRetentionSweep, type RetentionSweep } from './sweep.js';

const HOUR_MS = 3600_000;

export interface RetentionFeature extends Feature {
  sweep: RetentionSweep | undefined;
}

/** Data retention: the background sweep that deletes each tenant's conversations older than it keeps them. */
export function createRetentionFeature(deps: { db: Db; log: Logger; intervalMs?: number }): RetentionFeature {
  const feature: RetentionFeature = {
    sweep: undefined,
    start() {
      feature.sweep = startRetentionSweep({ db: deps.db, log: deps.log, intervalMs: deps.intervalMs ?? HOUR_MS });
    },
    async stop() {
      await feature.sweep?.stop();
    },
  };
  return feature;
}
