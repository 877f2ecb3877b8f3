// Module resolution hooks (node:module register): appends every resolved @opentelemetry URL to
// the log file, static and dynamic imports alike.
import { appendFileSync } from 'node:fs';

let logFile;

export function initialize(data) {
  logFile = data.logFile;
}

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (logFile && result.url.includes('@opentelemetry')) appendFileSync(logFile, `${result.url}\n`);
  return result;
}
