import { Logger } from '@nestjs/common';
import { toMessage } from '@litesession/edge';
import type {
  SessionChannels,
  SessionListener,
  SessionSubscription,
  SubscribeOptions,
} from './session-channels';

export interface SteadySubscribeOptions extends Omit<SubscribeOptions, 'onRevoked'> {
  /** Delay before taking the session back, drawn anew each time. @default 200–700 ms */
  retakeDelayMs?: () => number;
  /** Called each time the subscription was revoked and is about to be taken back. */
  onRetake?: (reason: string) => void;
}

const defaultRetakeDelay = () => 200 + Math.floor(Math.random() * 500);

/**
 * A subscription that holds on to its session until `unsubscribe()`: when it is revoked (another process
 * subscribed the session in the same Exclusive group, or a re-position failed at the broker) it subscribes
 * again, after a short random delay, from the next seq it has not delivered. The listener still sees each
 * event once, in order.
 *
 * For readers that must finish a read, such as a scheduler reading a conversation, when another reader of
 * the same group may open the session meanwhile (a redelivered request on another node). The random delay
 * keeps two such readers from evicting each other in lockstep.
 */
export async function subscribeSteadily(
  channels: SessionChannels,
  sessionId: string,
  options: SteadySubscribeOptions,
  listener: SessionListener,
): Promise<SessionSubscription> {
  const { retakeDelayMs = defaultRetakeDelay, onRetake, ...subscribeOptions } = options;
  const logger = new Logger('SteadySubscription');
  let nextSeq = subscribeOptions.fromSeq ?? 0;
  let current: SessionSubscription | undefined;
  let closed = false;
  let retakeTimer: NodeJS.Timeout | undefined;

  const deliver: SessionListener = (event) => {
    if (closed || event.seq < nextSeq) return;
    nextSeq = event.seq + 1;
    listener(event);
  };
  let first = true;
  // Taken back from the next seq it has not delivered, never from the log's end again: what came meanwhile
  // must not be skipped.
  const open = (): Promise<SessionSubscription> => {
    const fromEnd = first && subscribeOptions.fromEnd === true;
    first = false;
    return channels.subscribe(
      sessionId,
      { ...subscribeOptions, fromSeq: nextSeq, fromEnd, onRevoked: retake },
      deliver,
    );
  };
  function retake(reason: string): void {
    current = undefined;
    if (closed) return;
    onRetake?.(reason);
    retakeTimer = setTimeout(() => {
      retakeTimer = undefined;
      if (closed) return;
      open().then(
        (subscription) => {
          if (closed) void subscription.unsubscribe();
          else current = subscription;
        },
        (error: unknown) => {
          logger.warn({
            msg: `Session ${sessionId}: taking the subscription back failed: ${toMessage(error)}`,
            sessionId,
          });
          retake('resubscribe_failed');
        },
      );
    }, retakeDelayMs());
  }

  current = await open();
  return {
    sessionId,
    expectEvents() {
      current?.expectEvents();
    },
    async unsubscribe() {
      closed = true;
      clearTimeout(retakeTimer);
      const subscription = current;
      current = undefined;
      await subscription?.unsubscribe();
    },
  };
}
