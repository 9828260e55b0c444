export { loadToolConfig, proxyEndpoint, namesrvAddress, type ToolConfig, ToolConfigError } from './config';
export { start, stop, status, reset, isRunning, ROLES, ClusterError, type ClusterInfo } from './cluster';
export { mqadmin, provision } from './admin';
export { ensureArtifacts } from './artifacts';
export {
  CHAT_TOPIC,
  GATEWAY_GROUP,
  CHAT_REQUESTS_TOPIC,
  SCHEDULER_GROUP,
  SCHEDULER_HISTORY_GROUP,
  CHAT_CONTROL_TOPIC,
  SCHEDULER_CONTROL_GROUP,
} from './resources';
export { type Role } from './jvm';
