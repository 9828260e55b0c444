import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The scheduler's Prometheus metrics, in a registry of its own. */
@Injectable()
export class SchedulerMetrics {
  readonly registry = new Registry();
  readonly unhandledRejections = new Counter({
    name: 'litesession_scheduler_unhandled_rejections_total',
    help: 'Promise rejections no handler caught (each one is a bug; the process logs it and keeps serving)',
    registers: [this.registry],
  });
  readonly turnsRunning = new Gauge({
    name: 'litesession_scheduler_turns_running',
    help: 'Turns this process is running',
    registers: [this.registry],
  });
  readonly turns = new Counter({
    name: 'litesession_scheduler_turns_total',
    help: 'Turns handled, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly takeovers = new Counter({
    name: 'litesession_scheduler_takeovers_total',
    help: 'Redelivered turns this process took over (turn.restarted written)',
    registers: [this.registry],
  });
  readonly logRereads = new Counter({
    name: 'litesession_scheduler_log_rereads_total',
    help: 'Session log reads done again from seq 0 because a read skipped events',
    registers: [this.registry],
  });
  readonly tokens = new Counter({
    name: 'litesession_scheduler_model_tokens_total',
    help: 'Tokens received from the model',
    registers: [this.registry],
  });
  readonly tokenEvents = new Counter({
    name: 'litesession_scheduler_token_events_total',
    help: '`token` events written (tokens coalesced per event)',
    registers: [this.registry],
  });
  readonly firstTokenSeconds = new Histogram({
    name: 'litesession_scheduler_first_token_seconds',
    help: 'From taking a request to the first token from the model',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly historyReadSeconds = new Histogram({
    name: 'litesession_scheduler_history_read_seconds',
    help: 'Reading a session log up to the marker before a turn',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
