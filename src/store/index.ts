export { Store, DEFAULT_DATABASE_PATH, type StoreOptions, type StoreStats } from './store.js';
export { MIGRATIONS, SCHEMA_VERSION, migrate } from './migrations.js';
export { TABLES, SIDE_CODES, type TableKey } from './schema.js';
export { STORE_OPERATORS } from './operators/index.js';
export { detectKind, TABLE_OF_KIND } from './message-kind.js';
