export * from './create-service-app.js';
export * from './openapi.js';
export * from './service-module.js';
