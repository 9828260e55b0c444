import { Body, Controller, Get, Logger, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { type ChatEventPayload, TurnChunker, TurnLedger, type TurnRecord } from '@litesession/chat-protocol';
import { ShapeGuardPipe, strictValidationPipe, toMessage } from '@litesession/edge';
import type { Admission } from '../admission/session-admission';
import { TurnRequests } from '../chat/turn-requests';
import { HttpAdmission } from '../http/http-admission';
import { HttpRefusal } from '../http/http-refusal';
import { SSE_HEARTBEAT_MS } from '../http/session-events.controller';
import { SessionStreams } from '../http/session-streams';
import { SessionLogReader } from '../session/session-log-reader';
import { SessionTurns } from '../session/session-turns';
import { AI_CHAT_REQUEST_SHAPE, AiChatRequestDto } from './ai-chat-request.dto';
import { lastUserMessage } from './last-user-message';
import { UiMessageStream } from './ui-message-stream';

/**
 * How long the resume route waits, after the last event of the log's history arrived, before it decides
 * that no turn is running (ms). The log does not say where it ends; its history arrives in one burst.
 */
export const RESUME_QUIET_MS = 500;

/**
 * A turn that ended this recently is answered on resume too (ms): a client whose node died mid-reply may
 * reconnect after the turn's end, and must still get its tail. Replaying a reply the client has whole
 * rebuilds the same message.
 */
export const RESUME_RECENT_MS = 60_000;

/**
 * The AI SDK's chat endpoint, so that `useChat` with its `DefaultChatTransport` (api `/v1/ai/chat`,
 * `resume: true`) works against any gateway node (docs/protocol.md, "AI SDK"). The chat id is the
 * session id, and the transport's headers carry the resume token (and the credential), as on the other
 * HTTP routes.
 *
 * - `POST /v1/ai/chat` queues the last user message as a turn and answers with that turn as a UI message
 *   stream, read from the session's log: the generation goes on if the client goes away.
 * - `GET /v1/ai/chat/:id/stream` answers the running turn again from its start (the transport's
 *   `resumeStreamIsReplay`), then live, or the last turn if it ended in the last minute; else 204.
 *
 * Both read the log from its start: the AI SDK sends no place in it. That costs a read of the session's
 * history per request (see docs/protocol.md).
 */
@Controller('v1/ai/chat')
export class AiChatController {
  private readonly logger = new Logger(AiChatController.name);

  constructor(
    private readonly admission: HttpAdmission,
    private readonly requests: TurnRequests,
    private readonly streams: SessionStreams,
    private readonly reader: SessionLogReader,
  ) {}

  @Post()
  async send(
    @Req() request: Request,
    @Res() response: Response,
    @Body(new ShapeGuardPipe(AI_CHAT_REQUEST_SHAPE), strictValidationPipe()) body: AiChatRequestDto,
  ): Promise<void> {
    if (body.trigger !== 'submit-message') {
      throw new HttpRefusal('invalid_payload', 'regenerate-message is not supported; send the message again');
    }
    const message = lastUserMessage(body.messages);
    const admitted = await this.admission.admit(request, body.id);
    const ack = await this.requests.send(this.streams.requesterFor(admitted.sessionId), message);
    if (!ack.ok) {
      admitted.release();
      throw this.admission.refusal(new HttpRefusal(ack.error.code, ack.error.message));
    }
    await this.streamTurn(request, response, admitted, [], new TurnChunker(ack.turnId));
  }

  @Get(':sessionId/stream')
  async resume(
    @Req() request: Request,
    @Res() response: Response,
    @Param('sessionId') sessionId: string,
  ): Promise<void> {
    const admitted = await this.admission.admit(request, sessionId);
    const history: ChatEventPayload[] = [];
    const ledger = new TurnLedger();
    const turns = new SessionTurns();
    let quiet: NodeJS.Timeout | undefined;
    let decided = false;
    let unsubscribe: (() => Promise<void>) | undefined;
    const release = () => {
      admitted.release();
      void unsubscribe?.().catch(() => undefined);
    };
    const decide = () => {
      decided = true;
      const running = ledger.running() ?? recentlyEnded(ledger);
      void unsubscribe?.().catch(() => undefined);
      if (!running) {
        admitted.release();
        response.status(204).end();
        return;
      }
      this.streamTurn(request, response, admitted, history, new TurnChunker(running.turnId)).catch(
        (error: unknown) =>
          this.logger.warn({ msg: `Resuming session ${sessionId} failed: ${toMessage(error)}`, sessionId }),
      );
    };
    const rearm = () => {
      clearTimeout(quiet);
      quiet = setTimeout(decide, RESUME_QUIET_MS);
    };
    try {
      unsubscribe = await this.reader.open(admitted, turns, {
        onEvent: (event) => {
          if (decided) return;
          history.push(event);
          ledger.observe(event);
          rearm();
        },
        onRevoked: () => undefined,
      });
    } catch (error) {
      release();
      this.logger.warn({ msg: `Could not read session ${sessionId}: ${toMessage(error)}`, sessionId });
      throw new HttpRefusal('unavailable', 'Session unavailable; try again');
    }
    if (!decided) rearm();
  }

  /**
   * Answers with one turn as a UI message stream: the events of it already read (`replay`), then the
   * live ones of a fresh subscription from the log's start, until its ending; events seen twice (in the
   * replay and again in the subscription) are skipped by seq.
   */
  private async streamTurn(
    request: Request,
    response: Response,
    admitted: Admission,
    replay: readonly ChatEventPayload[],
    chunker: TurnChunker,
  ): Promise<void> {
    let stream: UiMessageStream;
    try {
      stream = await UiMessageStream.open(request, response, SSE_HEARTBEAT_MS);
    } catch (error) {
      admitted.release();
      throw error;
    }
    let nextSeq = 0;
    const push = (event: ChatEventPayload) => {
      if (event.seq < nextSeq) return;
      nextSeq = event.seq + 1;
      stream.write(chunker.push(event));
      if (chunker.done) finish(true);
    };
    let unsubscribe: (() => Promise<void>) | undefined;
    let finished = false;
    const finish = (done: boolean) => {
      if (finished) return;
      finished = true;
      stream.end(done);
      admitted.release();
      void unsubscribe?.().catch(() => undefined);
    };
    stream.onClose(() => finish(false));
    replay.forEach(push);
    if (finished) return;
    try {
      // The turn is open: if its events stop coming, the subscription is unstuck (SessionTurns).
      const turns = new SessionTurns();
      turns.queuedTurn(chunker.turnId);
      unsubscribe = await this.reader.open({ ...admitted, fromSeq: nextSeq }, turns, {
        onEvent: push,
        onRevoked: () => {
          stream.write([{ type: 'error', errorText: 'The session is now served by another connection' }]);
          finish(false);
        },
      });
      if (finished) void unsubscribe().catch(() => undefined);
    } catch (error) {
      this.logger.warn({
        msg: `Could not read session ${admitted.sessionId}: ${toMessage(error)}`,
        sessionId: admitted.sessionId,
      });
      stream.write([{ type: 'error', errorText: 'Session unavailable; try again' }]);
      finish(false);
    }
  }
}

/** The last turn, if it ended within RESUME_RECENT_MS (by its writer's clock). */
function recentlyEnded(ledger: TurnLedger): TurnRecord | undefined {
  const last = ledger.turns().at(-1);
  if (!last || last.lastWrittenAt === undefined) return undefined;
  return Date.now() - last.lastWrittenAt < RESUME_RECENT_MS ? last : undefined;
}
