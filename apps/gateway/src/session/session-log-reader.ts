import { Injectable } from '@nestjs/common';
import type { ChatEventPayload } from '@litesession/chat-protocol';
import { SessionChannels } from '@litesession/rocketmq';
import type { Admission } from '../admission/session-admission';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { SessionAdmission } from '../admission/session-admission';
import type { SessionTurns } from './session-turns';
import { toChatEvent } from './session.events';
import { expiryTimer } from './expiry-timer';

/** What a connection is told while it reads its session. */
export interface ReaderHandlers {
  /** An event the client lacks, in seq order, once each. */
  onEvent(event: ChatEventPayload): void;
  /** The session was taken over elsewhere; nothing more is delivered. */
  onRevoked(): void;
}

/** What a connection is told about its credentials while it stays open. */
export interface ExpiryHandlers {
  /** The credential has expired: the connection must close (`token_expired`). */
  onCredentialExpired(): void;
  /** A fresh resume token, a tenth of the old one's lifetime before it expires. */
  onRenewed(renewed: { resumeToken: string; resumeTokenExpiresAt: number }): void;
}

/**
 * Reads an admitted connection's session from the client's `lastSeq + 1`, the same for every transport
 * (Socket.IO and SSE): the subscription, the turns the connection follows, and the unsticking of a
 * subscription that owes events.
 */
@Injectable()
export class SessionLogReader {
  constructor(
    private readonly channels: SessionChannels,
    private readonly metrics: GatewayMetrics,
    private readonly admission: SessionAdmission,
  ) {}

  /** Resolves once subscribed; returns the unsubscribe. Throws what SessionChannels.subscribe throws. */
  async open(
    admission: Admission,
    turns: SessionTurns,
    handlers: ReaderHandlers,
  ): Promise<() => Promise<void>> {
    const { sessionId, fromSeq } = admission;
    const stopTimer = this.metrics.subscribeSeconds.startTimer();
    // From the client's lastSeq, which it has already: that one event tells the connection whether a turn
    // was running at the resume (SessionTurns), and the read does not grow with the session's history.
    const subscription = await this.channels.subscribe(
      sessionId,
      {
        fromSeq: Math.max(0, fromSeq - 1),
        // A resuming client had events up to lastSeq: the log holds them, so they must arrive.
        ...(fromSeq > 0 ? { knownSeq: fromSeq - 1 } : {}),
        onRevoked: () => handlers.onRevoked(),
      },
      (event) => {
        turns.observe(event);
        if (event.seq < fromSeq) return;
        handlers.onEvent(toChatEvent(event));
        this.metrics.eventsRelayed.inc();
      },
    );
    stopTimer();
    // An open turn (queued here, or running) will write to the log: if nothing arrives, the subscription
    // is unstuck.
    turns.whenEventsOwed(() => subscription.expectEvents());
    return () => subscription.unsubscribe();
  }

  /**
   * The credential's expiry closes the connection, as Centrifugo does with connection JWTs. A connection
   * that outlives its resume token gets a new one a tenth of the token's lifetime before it expires.
   * Returns a function that stops both timers.
   */
  watchExpiries(admission: Admission, handlers: ExpiryHandlers): () => void {
    const stopCredential = expiryTimer(admission.subject.expiresAt, () => handlers.onCredentialExpired());
    let stopRenewal = (): void => undefined;
    const renewAt = (issuedExpiry: number) => {
      const lifetime = issuedExpiry - Date.now();
      stopRenewal = expiryTimer(issuedExpiry - lifetime / 10, () => {
        const renewed = this.admission.reissue(admission.sessionId, admission.subject);
        handlers.onRenewed(renewed);
        renewAt(renewed.resumeTokenExpiresAt);
      });
    };
    renewAt(admission.resumeTokenExpiresAt);
    return () => {
      stopCredential();
      stopRenewal();
    };
  }
}
