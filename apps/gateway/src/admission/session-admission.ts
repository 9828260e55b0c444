import { Injectable, Logger } from '@nestjs/common';
import type { ChatErrorPayload, ConnectionErrorCode } from '@litesession/chat-protocol';
import { toMessage } from '@litesession/edge';
import { createSessionId } from '@litesession/rocketmq';
import { type AdmissionRequest, InvalidHandshakeError } from './admission-request';
import { AdmissionLimits, type AdmissionLimit } from './admission-limits';
import { NodeCapacity, type CapacityRelease } from './node-capacity';
import { ResumeTokens } from './resume-tokens';
import { AuthenticationError, SessionAuthenticator } from './session-authenticator';
import { type Subject, subjectKey } from './subject';

/** A connection let in: which session it serves, from where, and its place among the node's sessions. */
export interface Admission {
  admitted: true;
  sessionId: string;
  /** First seq the client lacks. */
  fromSeq: number;
  isNew: boolean;
  subject: Subject;
  resumeToken: string;
  resumeTokenExpiresAt: number;
  /** Give the place back when the connection ends (idempotent). */
  release: CapacityRelease;
}

export type AdmissionResult = Admission | { admitted: false; refusal: ChatErrorPayload };

/**
 * Decides whether a connection may open its session, before any broker work, in this order: the rate of
 * connections from its address, the shape of its request, its credential (the authenticator), the rate
 * of its user, its resume token (this user's token of this session, not expired) or the rates of new
 * sessions, and the node's capacity. Transport-neutral: the Socket.IO handshake and the HTTP routes both
 * come here. Never throws.
 */
@Injectable()
export class SessionAdmission {
  private readonly logger = new Logger(SessionAdmission.name);

  constructor(
    private readonly authenticator: SessionAuthenticator,
    private readonly tokens: ResumeTokens,
    private readonly limits: AdmissionLimits,
    private readonly capacity: NodeCapacity,
  ) {}

  /**
   * `readRequest` reads the transport's handshake into a request, throwing InvalidHandshakeError when it
   * is malformed; it runs after the address's rate is counted, so that a flood of garbage is limited too.
   */
  async admit(
    address: string,
    readRequest: () => Omit<AdmissionRequest, 'address'>,
  ): Promise<AdmissionResult> {
    try {
      const fromAddress = await this.within('connectionsPerIp', address);
      if (fromAddress) return fromAddress;
      let request: AdmissionRequest;
      try {
        request = { ...readRequest(), address };
      } catch (error) {
        if (error instanceof InvalidHandshakeError) return refuse('invalid_handshake', error.message);
        throw error;
      }
      return await this.decide(request);
    } catch (error) {
      this.logger.error(`Admission failed unexpectedly: ${toMessage(error)}`);
      return refuse('unavailable', 'The session could not be opened now; reconnect');
    }
  }

  /** A fresh resume token for a connection that stays open past the old one's expiry. */
  reissue(sessionId: string, subject: Subject): { resumeToken: string; resumeTokenExpiresAt: number } {
    const { token, expiresAt } = this.tokens.issue(sessionId, subject);
    return { resumeToken: token, resumeTokenExpiresAt: expiresAt };
  }

  private async decide(request: AdmissionRequest): Promise<AdmissionResult> {
    const subject = await this.authenticate(request);
    if (!('userId' in subject)) return subject;
    const user = subjectKey(subject);
    const fromUser = await this.within('connectionsPerUser', user);
    if (fromUser) return fromUser;
    let sessionId: string;
    let fromSeq = 0;
    if (request.resume) {
      const verdict = this.tokens.verify(request.resume.sessionId, subject, request.resume.resumeToken);
      // The same answer whether or not the session exists, and whoever owns it.
      if (verdict === 'invalid') return refuse('invalid_session', 'Unknown session or invalid resume token');
      if (verdict === 'expired')
        return refuse('session_expired', 'The resume token has expired; start a new session');
      ({ sessionId, fromSeq } = request.resume);
    } else {
      const newFromAddress = await this.within('newSessionsPerIp', request.address);
      if (newFromAddress) return newFromAddress;
      const newFromUser = await this.within('newSessionsPerUser', user);
      if (newFromUser) return newFromUser;
      sessionId = createSessionId();
    }
    const release = this.capacity.tryReserve();
    if (!release) return refuse('unavailable', 'This node is at capacity; connect to another');
    const { token, expiresAt } = this.tokens.issue(sessionId, subject);
    return {
      admitted: true,
      sessionId,
      fromSeq,
      isNew: request.resume === undefined,
      subject,
      resumeToken: token,
      resumeTokenExpiresAt: expiresAt,
      release,
    };
  }

  private async authenticate(request: AdmissionRequest): Promise<Subject | AdmissionResult> {
    try {
      return await this.authenticator.authenticate({
        credential: request.credential,
        address: request.address,
      });
    } catch (error) {
      if (error instanceof AuthenticationError) return refuse(error.failure, error.message);
      this.logger.warn(`The authenticator failed: ${toMessage(error)}`);
      return refuse('unavailable', 'The credential could not be checked now; try again');
    }
  }

  /** A refusal when `key` has used up `limit`, else undefined (and the attempt is counted). */
  private async within(limit: AdmissionLimit, key: string): Promise<AdmissionResult | undefined> {
    const verdict = await this.limits.take(limit, key);
    if (verdict.ok) return undefined;
    return {
      admitted: false,
      refusal: {
        code: 'rate_limited',
        message: `Too many ${limit.startsWith('new') ? 'new sessions' : 'connections'}; retry later`,
        retryAfterMs: verdict.retryAfterMs,
      },
    };
  }
}

function refuse(code: ConnectionErrorCode, message: string): AdmissionResult {
  return { admitted: false, refusal: { code, message } };
}
