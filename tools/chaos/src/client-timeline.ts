import type { ConnectionState } from '@litesession/client';

/** What a session's client showed its user over time, for the "were they told" check. Times in ms. */
export interface ClientTimeline {
  /** Changes of "connected" (status `connected`), oldest first; before the first entry: not connected. */
  connected: Array<{ at: number; value: boolean }>;
  /**
   * Changes of the client's view of the broker (`ConnectionState.broker === 'unavailable'`), oldest first;
   * before the first entry, or while the field is missing: not told.
   */
  brokerUnavailable: Array<{ at: number; value: boolean }>;
  /** When the client got a `chat.error`, or an acknowledgement refusal, with code `unavailable`. */
  unavailableSignals: number[];
}

/**
 * The broker field the gateway's `server.status` event feeds into the client's state (docs/protocol.md).
 * Read through this type so that the drill compiles before and after the client SDK declares it.
 */
type StateWithBroker = ConnectionState & { broker?: string };

/** Records a client's `state` and `error` events (and the acknowledgements it got) as a ClientTimeline. */
export class ClientTimelineRecorder {
  readonly timeline: ClientTimeline = { connected: [], brokerUnavailable: [], unavailableSignals: [] };

  constructor(private readonly now: () => number = Date.now) {}

  /** A `state` event of the client. */
  state(state: ConnectionState): void {
    change(this.timeline.connected, this.now(), state.status === 'connected');
    change(this.timeline.brokerUnavailable, this.now(), (state as StateWithBroker).broker === 'unavailable');
  }

  /** A `chat.error` (the client's `error` event) or an acknowledgement refusal, by its code. */
  refusal(code: string): void {
    if (code === 'unavailable') this.timeline.unavailableSignals.push(this.now());
  }
}

function change(changes: Array<{ at: number; value: boolean }>, at: number, value: boolean): void {
  if ((changes.at(-1)?.value ?? false) !== value) changes.push({ at, value });
}
