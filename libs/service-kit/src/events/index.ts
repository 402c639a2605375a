export * from './event-envelope.dto.js';
export * from './event-batch.dto.js';
export * from './event-batch.endpoint.js';
export * from './processed-events.js';
export * from './receive-event-batch.js';
