import { createRequire } from 'node:module';
import path from 'node:path';
import { RECONNECT_BACKOFF_OPTIONS, useShortReconnectBackoff } from './reconnect-backoff';

const load = createRequire(__filename);
const packageRoot = path.dirname(load.resolve('rocketmq-client-nodejs/package.json'));

interface GrpcClient {
  getChannel(): { internalChannel?: { options: Record<string, unknown> } };
  close(): void;
}

describe('useShortReconnectBackoff', () => {
  it("gives the client library's gRPC channels the short reconnect backoff, keeping options it passes", () => {
    useShortReconnectBackoff();
    useShortReconnectBackoff(); // once per process, however often it is called

    const service = load(path.join(packageRoot, 'proto/apache/rocketmq/v2/service_grpc_pb')) as {
      MessagingServiceClient: new (address: string, credentials: unknown, options?: object) => GrpcClient;
    };
    const grpc = load(load.resolve('@grpc/grpc-js', { paths: [packageRoot] })) as {
      credentials: { createInsecure(): unknown };
    };
    const plain = new service.MessagingServiceClient('127.0.0.1:1', grpc.credentials.createInsecure());
    const tuned = new service.MessagingServiceClient('127.0.0.1:1', grpc.credentials.createInsecure(), {
      'grpc.max_reconnect_backoff_ms': 5_000,
    });
    try {
      expect(plain.getChannel().internalChannel?.options).toEqual(RECONNECT_BACKOFF_OPTIONS);
      expect(tuned.getChannel().internalChannel?.options).toMatchObject({
        'grpc.initial_reconnect_backoff_ms': 250,
        'grpc.max_reconnect_backoff_ms': 5_000,
      });
    } finally {
      plain.close();
      tuned.close();
    }
  });
});
