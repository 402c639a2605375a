export * from './database-connection.js';
export * from './database.module.js';
export * from './hot-path-sql.js';
export * from './migrations.js';
export * from './sql-session.js';
export * from './unique-violation.js';
export * from './text-search.js';
export * from './uuidv7.js';
