import { Inject, Injectable } from '@nestjs/common';
import { CancelTurn } from '@litesession/chat-protocol';
import { type SessionChannels, subscribeSteadily } from '@litesession/rocketmq';

/** Injection token of the session channels on `chat-control` (see CHAT_CONTROL_TOPIC). */
export const CONTROL_CHANNELS = Symbol('CONTROL_CHANNELS');

/** A watch of one turn's cancellation; stop it when the turn ends. */
export interface CancelWatching {
  stop(): Promise<void>;
}

/**
 * Watches a session's control channel while one of its turns runs. It reads from seq 0, so a cancel
 * written before the turn started (or before a takeover) still counts.
 */
@Injectable()
export class CancelWatch {
  constructor(@Inject(CONTROL_CHANNELS) private readonly channels: SessionChannels) {}

  async watch(sessionId: string, turnId: string, onCancel: () => void): Promise<CancelWatching> {
    // Steadily: a cancel must still be seen after another scheduler opened the channel in the group.
    const subscription = await subscribeSteadily(this.channels, sessionId, { fromSeq: 0 }, (event) => {
      if (event.type === CancelTurn && event.turnId === turnId) onCancel();
    });
    return { stop: () => subscription.unsubscribe() };
  }
}
