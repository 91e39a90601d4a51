export { ConfigError, formatConfigIssue, type ConfigIssue } from './config-error.js';
export {
  DEFAULT_ACCOUNTS,
  DEFAULT_ENGINE_CONFIG,
  DEFAULT_LISTEN,
  DEFAULT_TOKEN_ENV,
  parseListenAddress,
  type AccountConfig,
  type EngineConfig,
  type GatewayConfig,
  type LogConfig,
} from './engine-config.js';
export {
  DEFAULT_CONFIG_FILE,
  loadEngineConfig,
  loadEngineConfigOrDefault,
  parseEngineConfig,
} from './load-config.js';
export { EngineConfigSchema, engineConfigJsonSchema } from './schema.js';
export { MIN_TOKEN_LENGTH, readGatewayToken } from './gateway-token.js';
export { starterConfig } from './starter.js';
