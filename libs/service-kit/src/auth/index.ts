export * from './principal.js';
export * from './auth.decorators.js';
export * from './token-verifier.js';
export * from './access-token.guard.js';
export * from './service-token.js';
export * from './auth.module.js';
