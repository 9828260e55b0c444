import { createRequire } from 'node:module';
import path from 'node:path';

/** grpc-js channel options (the client's own dependency; only these keys are set here). */
type ChannelOptions = Record<string, string | number>;
/** grpc-js ChannelCredentials, passed through untouched. */
type ChannelCredentials = object;

/**
 * How soon a client's gRPC channel to the proxy tries to connect again after losing it. grpc-js's default
 * backs off 1 s × 1.6ⁿ up to 120 s, so after a proxy outage of 28 s its next try could come 15 s after the
 * proxy was back, and every send and receive of the process failed until then ("No connection
 * established"). Seen in the long chaos drill: a new session's `chat.send` was refused for 17.7 and 18.7 s
 * after broker+proxy restarts. 2 s at most costs a proxy one connection attempt per client every 2 s while
 * it is down.
 */
export const RECONNECT_BACKOFF_OPTIONS: ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 250,
  'grpc.max_reconnect_backoff_ms': 2_000,
};

type ClientConstructor = new (
  address: string,
  credentials: ChannelCredentials,
  options?: ChannelOptions,
) => object;

interface GeneratedService {
  MessagingServiceClient: ClientConstructor & { withReconnectBackoff?: true };
}

/**
 * rocketmq-client-nodejs 1.0.8 creates its channels without options (`RpcClient`), so its generated
 * client's constructor is replaced, once per process, by one that adds RECONNECT_BACKOFF_OPTIONS. The
 * client looks the constructor up on the module at each `new`, so clients created afterwards get it.
 */
export function useShortReconnectBackoff(): void {
  const service = generatedService();
  const Original = service.MessagingServiceClient;
  if (Original.withReconnectBackoff) return;
  const WithBackoff = class extends Original {
    constructor(address: string, credentials: ChannelCredentials, options: ChannelOptions = {}) {
      super(address, credentials, { ...RECONNECT_BACKOFF_OPTIONS, ...options });
    }
  };
  service.MessagingServiceClient = Object.assign(WithBackoff, { withReconnectBackoff: true as const });
}

/** The generated module the client's RpcClient requires (the package has no `exports` map). */
function generatedService(): GeneratedService {
  const load = createRequire(__filename);
  const packageRoot = path.dirname(load.resolve('rocketmq-client-nodejs/package.json'));
  return load(path.join(packageRoot, 'proto/apache/rocketmq/v2/service_grpc_pb')) as GeneratedService;
}
