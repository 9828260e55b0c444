// Secondary entry point for tests of code that uses SessionChannels.
export { InMemorySessionChannels } from './lib/testing/in-memory-session-channels';
export {
  type LiteConsumer,
  type LiteConsumerFactory,
  type LiteDelivery,
} from './lib/session-channels/lite-consumer';
export { LITE_CONSUMER_FACTORY } from './lib/rocketmq.constants';
export { eventually } from './lib/testing/eventually';
export { recordMeasurement } from './lib/testing/measurements';
