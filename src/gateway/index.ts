export { GatewayClient } from './client.js';
export type { EngineCommand, GatewayClientOptions, OutgoingMessage } from './client.js';
export { CLOSE_CODES } from './close-codes.js';
export { attachGateway } from './attach-gateway.js';
export type { AttachedGateway, AttachGatewayOptions } from './attach-gateway.js';
export { GATEWAY_DEFAULTS, GATEWAY_PATH, startGateway } from './gateway.js';
export type { Gateway, GatewayOptions, GatewayStats } from './gateway.js';
export { GATEWAY_OPERATORS } from './operators/index.js';
export { PROTOCOL_VERSION } from './protocol/schemas.js';
