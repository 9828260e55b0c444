export {
  loadToolConfig,
  proxyEndpoint,
  proxyEndpoints,
  namesrvAddress,
  serverPaths,
  brokerStorePaths,
  type ToolConfig,
  ToolConfigError,
} from './config';
export {
  start,
  stop,
  status,
  reset,
  isRunning,
  killServer,
  ROLES,
  ClusterError,
  type ClusterInfo,
  type RoleStatus,
} from './cluster';
export { mqadmin, provision } from './admin';
export { ensureArtifacts } from './artifacts';
export {
  CHAT_TOPIC,
  gatewayGroup,
  CHAT_REQUESTS_TOPIC,
  SCHEDULER_GROUP,
  SCHEDULER_HISTORY_GROUP,
  CHAT_CONTROL_TOPIC,
  SCHEDULER_CONTROL_GROUP,
} from './resources';
export {
  type Role,
  type BrokerRole,
  type ProxyRole,
  type ServerName,
  ALL_ROLES,
  MAX_BROKERS,
  MAX_PROXIES,
  brokerNameOf,
  brokerRoles,
  clusterRoles,
  parseServerName,
  proxyRoles,
} from './servers';
export { portsOf, BROKER_PORT_STEP, PROXY_PORT_STEP } from './ports';
