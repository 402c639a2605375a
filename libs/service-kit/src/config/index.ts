export * from './service-config.js';
export * from './config.module.js';
