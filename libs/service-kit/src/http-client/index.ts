export * from './service-client.js';
export * from './service-clients.module.js';
