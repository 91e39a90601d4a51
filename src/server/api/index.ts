export { mountApi, API_PREFIX, MAX_BODY_BYTES } from './mount-api.js';
export type { ApiAuditEntry, MountApiOptions, MountedApi } from './mount-api.js';
export { createEngineReads, type EngineReads, type ReadableEngine } from './engine-reads.js';
export { buildOpenApi, API_VERSION } from './openapi.js';
export type { AnyApiRoute, ApiRoute, ApiReply, RouteAccess } from './route.js';
