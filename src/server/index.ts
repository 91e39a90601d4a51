export { createEngineApp, parseListenAddress, startHttpServer } from './http-server.js';
export type { HttpServerHandle, HttpServerOptions } from './http-server.js';
