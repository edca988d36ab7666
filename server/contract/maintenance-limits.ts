/**
 * What a maintenance window's fields may hold, as the API enforces it
 * (server/domain/maintenance-input.ts) and the dashboard's form checks it. Numbers are inclusive.
 */
export const MAINTENANCE_LIMITS = {
  nameLength: 100,
  descriptionLength: 1000,
  cronLength: 100,
  /** A recurring window's periods last 1 minute to 30 days. */
  durationMinutes: { min: 1, max: 43_200 },
  /** A window of kind once lasts at most this many days. */
  onceDays: 366,
  /** Most endpoints a window names by id (tags and allEndpoints cover more). */
  endpointIds: 1000,
  tags: 20,
  /** Most windows in all (each is looked at for every check and read). */
  windows: 1000,
} as const;
