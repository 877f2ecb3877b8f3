export * from './wire.js';
export * from './errors.js';
export * from './theme.js';
export * from './config.js';
export * from './chat.js';
export * from './stream.js';
export * from './feedback.js';
export * from './admin.js';
