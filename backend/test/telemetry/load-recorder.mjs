// Preloaded with --import (NODE_OPTIONS) by sdk-loading.test.ts: records where each
// @opentelemetry package a module imports resolves to, in the file PREX_TEST_LOAD_LOG names.
import { register } from 'node:module';

register('./load-hooks.mjs', import.meta.url, { data: { logFile: process.env.PREX_TEST_LOAD_LOG } });
