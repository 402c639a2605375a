export * from './audit-trail.js';
export * from './audit-entries.controller.js';
export * from './audit.module.js';
