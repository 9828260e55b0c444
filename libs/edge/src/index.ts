export { ShapeGuardPipe } from './lib/shape-guard.pipe';
export { strictValidationPipe } from './lib/strict-validation';
export { OptionalField } from './lib/optional-field';
export { validateEnv, EnvValidationError, EnvInt } from './lib/env';
export { ServiceEnv } from './lib/service-env';
export { toMessage, toStack } from './lib/describe-error';
export { logUnhandledRejections } from './lib/process-faults';
export {
  serviceLoggerModule,
  serviceLoggerParams,
  LOG_FORMATS,
  type LogFormat,
  type ServiceLoggingOptions,
} from './lib/service-logging';
