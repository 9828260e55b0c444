import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { type ChatAck, MAX_TURN_ID_LENGTH, SESSION_ID_PATTERN } from '@litesession/chat-protocol';
import { ShapeGuardPipe, strictValidationPipe } from '@litesession/edge';
import { CHAT_PAYLOAD_SHAPE, ChatSendDto } from '../chat/chat-send.dto';
import { TurnRequests } from '../chat/turn-requests';
import { GATEWAY_NODE_ID } from '../config/gateway.tokens';
import { HttpAdmission } from './http-admission';
import { HttpRefusal } from './http-refusal';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from './idempotency-key';
import { SessionStreams } from './session-streams';

/** What `POST /v1/sessions` answers: the Socket.IO `session` event's fields. */
export interface CreatedSession {
  sessionId: string;
  resumeToken: string;
  resumeTokenExpiresAt: number;
  node: string;
}

/**
 * The HTTP routes of a session (docs/protocol.md, "HTTP and SSE"): create one, send a message, cancel a
 * turn. Every route is admitted as a Socket.IO handshake is, and answers the protocol's typed errors as
 * HTTP statuses with a JSON body. The events come from `GET /v1/sessions/:id/events` (SessionEventsController).
 */
@Controller('v1/sessions')
export class SessionsController {
  constructor(
    private readonly admission: HttpAdmission,
    private readonly requests: TurnRequests,
    private readonly streams: SessionStreams,
    @Inject(GATEWAY_NODE_ID) private readonly nodeId: string,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Req() request: Request): Promise<CreatedSession> {
    const admitted = await this.admission.admit(request);
    // A POST holds no connection: the node's place is given back at once.
    admitted.release();
    return {
      sessionId: admitted.sessionId,
      resumeToken: admitted.resumeToken,
      resumeTokenExpiresAt: admitted.resumeTokenExpiresAt,
      node: this.nodeId,
    };
  }

  /** Like `chat.send`: 202 with the turn's id once the request is queued; its events come on the stream. */
  @Post(':sessionId/messages')
  @HttpCode(202)
  async send(
    @Req() request: Request,
    @Param('sessionId') sessionId: string,
    @Headers(IDEMPOTENCY_KEY_HEADER) idempotencyKey: unknown,
    @Body(new ShapeGuardPipe(CHAT_PAYLOAD_SHAPE), strictValidationPipe()) body: ChatSendDto,
  ): Promise<{ turnId: string }> {
    const clientMessageId = idempotencyKeyOf(idempotencyKey, body.clientMessageId);
    const admitted = await this.admission.admit(request, sessionId);
    admitted.release();
    const ack = await this.requests.send(this.streams.requesterFor(admitted.sessionId), {
      text: body.text,
      ...(clientMessageId === undefined ? {} : { clientMessageId }),
    });
    return { turnId: this.answer(ack).turnId };
  }

  /** Like `chat.cancel`: 202 once the cancellation is on its way to the scheduler running the turn. */
  @Post(':sessionId/turns/:turnId/cancel')
  @HttpCode(202)
  async cancel(
    @Req() request: Request,
    @Param('sessionId') sessionId: string,
    @Param('turnId') turnId: string,
  ): Promise<{ turnId: string }> {
    if (turnId.length > MAX_TURN_ID_LENGTH || !SESSION_ID_PATTERN.test(sessionId)) {
      throw this.admission.refusal(new HttpRefusal('invalid_payload', 'Malformed session or turn id'));
    }
    const admitted = await this.admission.admit(request, sessionId);
    admitted.release();
    this.answer(await this.requests.cancel(this.streams.requesterFor(admitted.sessionId), turnId));
    return { turnId };
  }

  private answer<T extends object>(ack: ChatAck<T>): T {
    if (!ack.ok) throw this.admission.refusal(new HttpRefusal(ack.error.code, ack.error.message));
    return ack;
  }
}
