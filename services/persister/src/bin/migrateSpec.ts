import { commonSpec, databaseSpec } from '@switchboard/config';

/** Settings of the migration command (`node services/persister/dist/bin/migrate.js`). */
export const migrateSpec = {
  LOG_LEVEL: commonSpec.LOG_LEVEL,
  ...databaseSpec,
} as const;
