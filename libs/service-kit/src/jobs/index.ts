export * from './recurring-pass.js';
