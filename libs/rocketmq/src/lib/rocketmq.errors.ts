/** Module options are invalid; lists every problem at once. */
export class RocketMQConfigError extends Error {
  override name = 'RocketMQConfigError';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid RocketMQModule options:\n  - ${problems.join('\n  - ')}`);
  }
}

/** A RocketMQ client did not start within its deadline; bootstrap fails with this. */
export class RocketMQStartupError extends Error {
  override name = 'RocketMQStartupError';

  constructor(
    readonly component: string,
    readonly endpoints: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${component} could not start against RocketMQ proxy ${endpoints}: ${describeCause(options?.cause)}. ` +
        'Is the broker running (npm run rocketmq -- status) and are the endpoints right?',
      options,
    );
  }
}

/** A session id that cannot name a LiteTopic. It is never sent to the broker. */
export class InvalidSessionIdError extends Error {
  override name = 'InvalidSessionIdError';

  constructor(readonly sessionId: unknown) {
    super(`Invalid session id ${preview(sessionId)}: expected 1-64 characters from [A-Za-z0-9_-]`);
  }
}

/** An event given to publish() does not fit the envelope. */
export class InvalidSessionEventError extends Error {
  override name = 'InvalidSessionEventError';
}

/** A message body in a session's LiteTopic is not a valid envelope. Logged with its message id, never thrown at a caller. */
export class SessionEventDecodeError extends Error {
  override name = 'SessionEventDecodeError';

  constructor(
    readonly reason: 'malformed' | 'unsupported_version' | 'invalid_fields',
    readonly messageId: string,
    detail: string,
  ) {
    super(`Undecodable session event (messageId=${messageId}, ${reason}): ${detail}`);
  }
}

/** The session channels are not running (not configured, not started yet, or shutting down). */
export class SessionChannelsClosedError extends Error {
  override name = 'SessionChannelsClosedError';
}

/** The broker refused another lite subscription for this process (lite.sub.client.quota). */
export class SessionChannelQuotaError extends Error {
  override name = 'SessionChannelQuotaError';
}

/** Subscribing, unsubscribing or publishing failed at the broker; `cause` holds the client error. */
export class SessionChannelError extends Error {
  override name = 'SessionChannelError';
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : '';
    return `${cause.message}${inner}`;
  }
  return cause === undefined ? 'unknown error' : String(cause);
}

function preview(value: unknown): string {
  if (typeof value !== 'string') return `of type ${value === null ? 'null' : typeof value}`;
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return `${JSON.stringify(shown)} (${value.length} characters)`;
}
