export { createEngineApp, parseListenAddress, startHttpServer } from './http-server.js';
export type { HttpServerHandle, HttpServerOptions } from './http-server.js';
export { requestLog, REQUEST_ID_HEADER, type RequestLogVariables } from './request-log.js';
