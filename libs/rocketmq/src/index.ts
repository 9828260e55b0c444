export { RocketMQModule } from './lib/rocketmq.module';
export {
  ROCKETMQ_OPTIONS,
  ROCKETMQ_OPTIONS_TYPE,
  ROCKETMQ_ASYNC_OPTIONS_TYPE,
} from './lib/rocketmq.module-definition';
export { RESOLVED_ROCKETMQ_OPTIONS } from './lib/rocketmq.constants';
export {
  type RocketMQModuleOptions,
  type ResolvedRocketMQOptions,
  resolveRocketMQOptions,
} from './lib/rocketmq.options';
export {
  RocketMQConfigError,
  RocketMQStartupError,
  InvalidSessionIdError,
  InvalidSessionEventError,
  SessionEventDecodeError,
  SessionChannelsClosedError,
  SessionChannelQuotaError,
  SessionChannelError,
} from './lib/rocketmq.errors';
export {
  RocketMQProducer,
  type PublishedSessionEvent,
  type SendOptions,
} from './lib/producer/rocketmq-producer';
export {
  SessionChannels,
  type SessionListener,
  type SessionSubscription,
  type SubscribeOptions,
  type RevocationReason,
  type SessionChannelStats,
} from './lib/session-channels/session-channels';
export { withSettingsReplay } from './lib/client/settings-replay';
export { subscribeSteadily, type SteadySubscribeOptions } from './lib/session-channels/steady-subscription';
export { RocketMQSessionChannels } from './lib/session-channels/rocketmq-session-channels';
export {
  provideSessionChannels,
  type SessionChannelsSpec,
} from './lib/session-channels/provide-session-channels';
export {
  type SessionEvent,
  type SessionEventInput,
  SESSION_EVENT_VERSION,
  MAX_SESSION_EVENT_BYTES,
  encodeSessionEvent,
  decodeSessionEvent,
} from './lib/session/session-event';
export { isValidSessionId, assertSessionId, createSessionId } from './lib/session/session-id';
