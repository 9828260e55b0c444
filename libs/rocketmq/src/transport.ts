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
export { RocketMQContext, type RocketMQMessage } from './lib/transport/rocketmq.context';
