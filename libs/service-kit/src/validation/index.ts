export * from './validation.js';
export * from './decorators.js';
