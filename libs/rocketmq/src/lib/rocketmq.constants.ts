/** Injection token of the validated, defaulted module options (ResolvedRocketMQOptions). */
export const RESOLVED_ROCKETMQ_OPTIONS = Symbol('RESOLVED_ROCKETMQ_OPTIONS');
/** Injection token of the factory that builds the lite consumer (replaced by fakes in unit tests). */
export const LITE_CONSUMER_FACTORY = Symbol('LITE_CONSUMER_FACTORY');
