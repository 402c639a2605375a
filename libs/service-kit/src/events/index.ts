export * from './event-envelope.dto.js';
export * from './processed-events.js';
