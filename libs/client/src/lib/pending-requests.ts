import { Backoff, type BackoffOptions } from './backoff';
import { LiteSessionError } from './errors';
import { isRecord } from './server-payloads';
import type { SocketLike } from './types';

/** A positive acknowledgement, `{ ok: true, … }`. */
export type AckAnswer = Record<string, unknown> & { ok: true };

/** What the requests need from the client's connection. */
export interface RequestConnection {
  /** The socket of the session's open connection (after its `session` event), if any. */
  socket(): SocketLike | undefined;
  /** No acknowledgement came in time on `socket`: the client should replace that connection. */
  ackTimedOut(socket: SocketLike): void;
}

export interface PendingRequestsOptions {
  ackTimeoutMs: number;
  requestTimeoutMs: number;
  backoff: BackoffOptions;
}

interface Request {
  readonly event: string;
  readonly payload: object;
  readonly resolve: (answer: AckAnswer) => void;
  readonly reject: (error: LiteSessionError) => void;
  readonly backoff: Backoff;
  /** The socket the request was last emitted on while its answer is due. */
  inFlightOn?: SocketLike;
  deadline?: ReturnType<typeof setTimeout>;
  ackTimer?: ReturnType<typeof setTimeout>;
  retryTimer?: ReturnType<typeof setTimeout>;
}

/**
 * Client → server requests (`chat.send`, `chat.cancel`) until their acknowledgement: emitted on the open
 * connection, emitted again (same payload, so the same `clientMessageId`) on the next one when the
 * connection drops first, retried with backoff on `unavailable`, and rejected with `timeout` once
 * `requestTimeoutMs` has passed since the call. Each settles exactly once.
 */
export class PendingRequests {
  private readonly requests = new Set<Request>();

  constructor(
    private readonly connection: RequestConnection,
    private readonly options: PendingRequestsOptions,
  ) {}

  /** Sends `payload` as `event` now, or as soon as a connection is open. */
  request(event: string, payload: object): Promise<AckAnswer> {
    return new Promise((resolve, reject) => {
      const request: Request = {
        event,
        payload,
        resolve,
        reject,
        backoff: new Backoff(this.options.backoff),
      };
      request.deadline = setTimeout(() => {
        const seconds = this.options.requestTimeoutMs / 1000;
        this.settle(request, new LiteSessionError('timeout', `${event} got no answer within ${seconds} s`));
      }, this.options.requestTimeoutMs);
      this.requests.add(request);
      this.dispatch(request);
    });
  }

  /** A connection opened: send every request that is neither awaiting an answer nor a retry delay. */
  flush(): void {
    for (const request of this.requests) {
      if (!request.inFlightOn && !request.retryTimer) this.dispatch(request);
    }
  }

  /** The connection dropped: answers due on it will not come, so those requests wait for the next one. */
  connectionLost(): void {
    for (const request of this.requests) {
      clearTimeout(request.ackTimer);
      request.inFlightOn = undefined;
    }
  }

  /** Rejects every pending request (the client closed or lost its session). */
  rejectAll(error: LiteSessionError): void {
    for (const request of [...this.requests]) this.settle(request, error);
  }

  private dispatch(request: Request): void {
    const socket = this.connection.socket();
    if (!socket) return;
    request.inFlightOn = socket;
    request.ackTimer = setTimeout(() => {
      request.inFlightOn = undefined;
      this.connection.ackTimedOut(socket);
    }, this.options.ackTimeoutMs);
    socket.emit(request.event, request.payload, (answer) => this.answered(request, socket, answer));
  }

  private answered(request: Request, socket: SocketLike, answer: unknown): void {
    if (!this.requests.has(request)) return;
    if (isRecord(answer) && answer['ok'] === true) return this.settle(request, answer as AckAnswer);
    // A refusal counts only from the connection the request is waiting on; it was re-sent elsewhere.
    if (request.inFlightOn !== socket) return;
    clearTimeout(request.ackTimer);
    request.inFlightOn = undefined;
    const error = toRefusal(request.event, answer);
    if (error.code !== 'unavailable') return this.settle(request, error);
    request.retryTimer = setTimeout(() => {
      request.retryTimer = undefined;
      this.dispatch(request);
    }, request.backoff.next());
  }

  private settle(request: Request, outcome: AckAnswer | LiteSessionError): void {
    if (!this.requests.delete(request)) return;
    clearTimeout(request.deadline);
    clearTimeout(request.ackTimer);
    clearTimeout(request.retryTimer);
    if (outcome instanceof LiteSessionError) request.reject(outcome);
    else request.resolve(outcome);
  }
}

function toRefusal(event: string, answer: unknown): LiteSessionError {
  const error = isRecord(answer) ? answer['error'] : undefined;
  if (!isRecord(error) || typeof error['code'] !== 'string') {
    return new LiteSessionError('invalid_response', `${event}: unexpected acknowledgement`);
  }
  const message = typeof error['message'] === 'string' ? error['message'] : error['code'];
  return new LiteSessionError(error['code'], `${event} refused: ${message}`);
}
