export * from './endpoints.ts';
export * from './check-results.ts';
export * from './incidents.ts';
