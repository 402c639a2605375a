export * from './validation.js';
export * from './decorators.js';
export * from './instant-range.js';
