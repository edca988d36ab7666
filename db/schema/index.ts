export * from './endpoints.ts';
export * from './check-results.ts';
export * from './incidents.ts';
export * from './check-rollups.ts';
export * from './retention-state.ts';
export * from './instances.ts';
export * from './maintenance-windows.ts';
export * from './notification-channels.ts';
