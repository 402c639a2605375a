export * from './metrics.js';
export * from './readiness.js';
export * from './operations.controller.js';
export * from './request-context.js';
export * from './logger.js';
