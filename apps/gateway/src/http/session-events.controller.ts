import {
  type BeforeApplicationShutdown,
  Controller,
  Get,
  Inject,
  Logger,
  Param,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { createSession, type Session } from 'better-sse';
import type { ChatErrorPayload } from '@litesession/chat-protocol';
import { toMessage } from '@litesession/edge';
import { SessionChannelQuotaError, SessionChannelsClosedError } from '@litesession/rocketmq';
import { DRAIN_GRACE_MS, GATEWAY_NODE_ID } from '../config/gateway.tokens';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { BrokerStatus } from '../session/broker-status';
import { SessionLogReader } from '../session/session-log-reader';
import { SessionTurns } from '../session/session-turns';
import type { Admission } from '../admission/session-admission';
import { HttpAdmission } from './http-admission';
import { SessionStreams } from './session-streams';

/** A comment this often keeps proxies and load balancers from closing an idle stream (ms). */
export const SSE_HEARTBEAT_MS = 15_000;
/** The reconnection delay the stream suggests to EventSource (ms). */
export const SSE_RETRY_MS = 1_000;

/**
 * `GET /v1/sessions/:id/events`: the session's events as Server-Sent Events (better-sse frames them).
 * Each `chat.event` carries its `seq` as the SSE `id`, so a reconnect with `Last-Event-ID` (EventSource
 * sends it by itself) gets everything after it, then the live stream. The other events (`session`,
 * `session.renewed`, `server.status`, `server.draining`, `chat.error`) repeat the last seq as their id,
 * so they never move the client's place. A refusal before the stream starts is an HTTP status with the
 * JSON error body; after it, a `chat.error` event, then the end of the stream.
 */
@Controller('v1/sessions')
export class SessionEventsController implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SessionEventsController.name);
  private readonly open = new Set<{ notify(data: unknown, event: string): void; end(): void }>();

  constructor(
    private readonly admission: HttpAdmission,
    private readonly reader: SessionLogReader,
    private readonly streams: SessionStreams,
    private readonly broker: BrokerStatus,
    private readonly metrics: GatewayMetrics,
    @Inject(GATEWAY_NODE_ID) private readonly nodeId: string,
    @Inject(DRAIN_GRACE_MS) private readonly drainGraceMs: number,
  ) {}

  @Get(':sessionId/events')
  async events(
    @Req() request: Request,
    @Res() response: Response,
    @Param('sessionId') sessionId: string,
  ): Promise<void> {
    const admitted = await this.admission.admit(request, sessionId);
    if (request.destroyed) return admitted.release();
    let stream: Session;
    try {
      stream = await createSession(request, response, {
        keepAlive: SSE_HEARTBEAT_MS,
        retry: SSE_RETRY_MS,
        // The place comes from SessionAdmission (Last-Event-ID checked there), not from better-sse.
        trustClientEventId: false,
        headers: { 'X-Accel-Buffering': 'no' },
      });
    } catch (error) {
      admitted.release();
      throw error;
    }
    this.serve(stream, response, admitted);
  }

  /** SIGTERM: every stream is told `server.draining` and, after the same grace as sockets, ended. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.open.size === 0) return;
    for (const open of this.open) open.notify({}, 'server.draining');
    await new Promise((resolve) => setTimeout(resolve, this.drainGraceMs));
    for (const open of [...this.open]) open.end();
  }

  private serve(stream: Session, response: Response, admitted: Admission): void {
    const { sessionId } = admitted;
    let lastSeq = admitted.fromSeq - 1;
    const place = () => String(lastSeq);
    const turns = new SessionTurns();
    const connection = {
      turns,
      get connected() {
        return stream.isConnected;
      },
    };
    const cleanups: Array<() => unknown> = [];
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      this.open.delete(entry);
      this.metrics.connectedStreams.dec();
      for (const cleanup of cleanups.reverse()) cleanup();
      admitted.release();
      if (!response.writableEnded) response.end();
    };
    const refuse = (refusal: ChatErrorPayload) => {
      this.metrics.errors.inc({ code: refusal.code });
      push(stream, refusal, 'chat.error', place());
      end();
    };
    const entry = { end, notify: (data: unknown, event: string) => push(stream, data, event, place()) };
    this.open.add(entry);
    this.metrics.connectedStreams.inc();
    stream.once('disconnected', end);
    push(
      stream,
      {
        sessionId,
        resumeToken: admitted.resumeToken,
        resumeTokenExpiresAt: admitted.resumeTokenExpiresAt,
        node: this.nodeId,
      },
      'session',
      place(),
    );
    if (this.broker.current !== 'ok') push(stream, { broker: this.broker.current }, 'server.status', place());
    cleanups.push(this.broker.onChange((broker) => push(stream, { broker }, 'server.status', place())));
    cleanups.push(
      this.reader.watchExpiries(admitted, {
        onCredentialExpired: () =>
          refuse({ code: 'token_expired', message: 'The credential has expired; connect with a fresh one' }),
        onRenewed: (renewed) => push(stream, renewed, 'session.renewed', place()),
      }),
    );
    cleanups.push(this.streams.add(sessionId, connection));
    this.reader
      .open(admitted, turns, {
        onEvent: (event) => {
          lastSeq = event.seq;
          push(stream, event, 'chat.event', String(event.seq));
        },
        onRevoked: () =>
          refuse({ code: 'session_moved', message: 'The session is now served by another connection' }),
      })
      .then((unsubscribe) => {
        if (ended) return void unsubscribe().catch(() => undefined);
        cleanups.push(() =>
          unsubscribe().catch((error: unknown) =>
            this.logger.warn({
              msg: `Could not release session ${sessionId}: ${toMessage(error)}`,
              sessionId,
            }),
          ),
        );
      })
      .catch((error: unknown) => {
        this.logger.warn({ msg: `Could not open session ${sessionId}: ${toMessage(error)}`, sessionId });
        const busy = error instanceof SessionChannelQuotaError || error instanceof SessionChannelsClosedError;
        refuse({
          code: 'unavailable',
          message: busy
            ? 'This node cannot serve the session now; reconnect'
            : 'Session unavailable; reconnect',
        });
      });
  }
}

/** Pushes an event unless the client has gone (better-sse throws then). Every event has an id. */
function push(stream: Session, data: unknown, event: string, id: string): void {
  if (stream.isConnected) stream.push(data, event, id);
}
