export * from './opening-hours.js';
export * from './booking-window.js';
