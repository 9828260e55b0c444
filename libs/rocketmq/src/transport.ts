// Secondary entry point: the Nest custom transport for RocketMQ topics (keeps @nestjs/microservices out of
// processes that do not serve one).
export {
  RocketMQServer,
  ROCKETMQ_TRANSPORT,
  type RocketMQServerOptions,
  type RocketMQStatus,
  type TransportConsumer,
  type TransportConsumerFactory,
} from './lib/transport/rocketmq.server';
export { RocketMQContext, type RocketMQMessage, UNLEASED } from './lib/transport/rocketmq.context';
export { type RequestLease, LeaseLostError } from './lib/transport/request-lease';
export { LeasedPushConsumer, type LeaseSettings } from './lib/transport/leased-push-consumer';
