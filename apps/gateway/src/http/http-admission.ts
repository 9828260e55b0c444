import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Admission } from '../admission/session-admission';
import { SessionAdmission } from '../admission/session-admission';
import { CLIENT_ADDRESS_OF } from '../admission/client-address.token';
import type { ClientAddressOf } from '../admission/client-address';
import { DrainState } from '../health/drain-state';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { readHttpHandshake } from './http-handshake';
import { HttpRefusal } from './http-refusal';

/**
 * Admits an HTTP request exactly as a Socket.IO handshake is admitted (SessionAdmission: rates,
 * credential, resume token, capacity), or throws the refusal as an HttpRefusal.
 */
@Injectable()
export class HttpAdmission {
  constructor(
    private readonly admission: SessionAdmission,
    @Inject(CLIENT_ADDRESS_OF) private readonly addressOf: ClientAddressOf,
    private readonly drain: DrainState,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** `sessionId` from the route resumes that session; without it a new one is opened. */
  async admit(request: Request, sessionId?: string): Promise<Admission> {
    if (this.drain.draining) {
      throw this.refusal(new HttpRefusal('unavailable', 'This node is shutting down; use another'));
    }
    const address = this.addressOf({
      remoteAddress: request.socket.remoteAddress ?? '',
      headers: request.headers,
    });
    const result = await this.admission.admit(address, () => readHttpHandshake(request, sessionId));
    if (!result.admitted) {
      const { code, message, retryAfterMs } = result.refusal;
      throw this.refusal(new HttpRefusal(code, message, retryAfterMs));
    }
    return result;
  }

  /** Counts a refusal the way the Socket.IO path counts its own. */
  refusal(refusal: HttpRefusal): HttpRefusal {
    this.metrics.errors.inc({ code: refusal.code });
    return refusal;
  }
}
