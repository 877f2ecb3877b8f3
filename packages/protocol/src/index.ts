export * from './wire.js';
export * from './errors.js';
export * from './theme.js';
export * from './config.js';
export * from './chat.js';
export * from './stream.js';
