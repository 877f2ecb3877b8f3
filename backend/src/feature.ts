import type { Router } from 'express';

/** One router, or several when a feature's routes need different policies of the same side. */
export type FeatureRoutes = Router | readonly Router[];

/**
 * What a capability hands the composition root (app.ts): its routes, built in the route groups the
 * app gives it (so the app's policy for each kind of route applies by construction), and its
 * background work.
 */
export interface Feature {
  /** Routes for host pages and widgets (publishable key). */
  publicRoutes?: FeatureRoutes;
  /** Routes for the tenant's own servers (secret key). */
  adminRoutes?: FeatureRoutes;
  /** Starts background work (workers, schedulers), once the whole app is built. */
  start?(): void;
  /** Stops background work, waiting for what is in progress; runs before the database closes. */
  stop?(): Promise<void>;
}
