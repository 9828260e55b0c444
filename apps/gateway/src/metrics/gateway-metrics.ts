import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SessionChannels } from '@litesession/rocketmq';

/**
 * The gateway's Prometheus metrics, in a registry of its own (not prom-client's global one, so that apps
 * and tests in one process never share counters).
 */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly connectedSockets = new Gauge({
    name: 'litesession_gateway_connected_sockets',
    help: 'Open client sockets',
    registers: [this.registry],
  });
  readonly connectedStreams = new Gauge({
    name: 'litesession_gateway_sse_streams',
    help: 'Open SSE streams (GET /v1/sessions/:id/events)',
    registers: [this.registry],
  });
  readonly eventsRelayed = new Counter({
    name: 'litesession_gateway_events_relayed_total',
    help: 'chat.event messages pushed to clients',
    registers: [this.registry],
  });
  readonly resumes = new Counter({
    name: 'litesession_gateway_resumes_total',
    help: 'Accepted resume handshakes',
    registers: [this.registry],
  });
  readonly subscribeSeconds = new Histogram({
    name: 'litesession_gateway_subscribe_seconds',
    help: 'Time to subscribe a session LiteTopic on connect',
    // Fine below 25 ms: the benchmark reads subscribe latency percentiles from these buckets.
    buckets: [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'litesession_gateway_errors_total',
    help: 'Refusals and error answers sent to clients, by protocol code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly requestResends = new Counter({
    name: 'litesession_gateway_request_resends_total',
    help: 'Copies of queued requests whose turn the session log did not show in time (RequestResender), by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly unhandledRejections = new Counter({
    name: 'litesession_gateway_unhandled_rejections_total',
    help: 'Promise rejections no handler caught (each one is a bug; the process logs it and keeps serving)',
    registers: [this.registry],
  });

  constructor(channels: SessionChannels) {
    new Gauge({
      name: 'litesession_gateway_subscribed_sessions',
      help: 'Sessions this node is subscribed to at the broker',
      registers: [this.registry],
      collect() {
        this.set(channels.stats().sessions);
      },
    });
    new Gauge({
      name: 'litesession_gateway_stall_resyncs',
      help: 'Subscription resyncs sent to recover stalled sessions since start',
      registers: [this.registry],
      collect() {
        this.set(channels.stats().stallRecoveries);
      },
    });
    new Gauge({
      name: 'litesession_gateway_stall_repositions',
      help: 'Sessions re-positioned since start because events owed to them did not arrive',
      registers: [this.registry],
      collect() {
        this.set(channels.stats().stallRepositions);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }
}
