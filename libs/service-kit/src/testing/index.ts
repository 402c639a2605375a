export * from './test-database.js';
export * from './test-tokens.js';
export * from './test-app.js';
export * from './schema-drift.js';
export * from './openapi-drift.js';
export * from './env-example.js';
export * from './expect-problem.js';
export * from './openapi-contract.js';
