import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import type { Mailer } from '../mail/types.js';
import type { Logger } from '../logger.js';
import type { PhoneChannel } from './phone-channel.js';

/** What the customer routes need. `now` is injectable so tests can move the clock instead of sleeping. */
export interface CustomersDeps {
  db: Db;
  config: Config;
  log: Logger;
  mailer: Mailer;
  now?: () => Date;
  /** The tenant's SMS number for phone codes (sms/); without it the phone routes are not served. */
  phone?: PhoneChannel;
}

export const clockOf = (deps: { now?: (() => Date) | undefined }): (() => Date) => deps.now ?? (() => new Date());
