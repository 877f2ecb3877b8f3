export * from './postgres.js';
export * from './openai-server.js';
export * from './static-server.js';
export * from './tcp-proxy.js';
export * from './embeddings-server.js';
export * from './smtp-server.js';
export * from './net.js';
export * from './certificates.js';
