// The client's own route type and generated protobuf classes (the package has no exports map; 1.0.8 is pinned).
import type { Endpoints } from 'rocketmq-client-nodejs/dist/route/Endpoints';
import type { Resource } from 'rocketmq-client-nodejs/proto/apache/rocketmq/v2/definition_pb';
import {
  AckMessageRequest,
  AckMessageResponse,
  type AckMessageEntry,
} from 'rocketmq-client-nodejs/proto/apache/rocketmq/v2/service_pb';

export type SendAck = (
  endpoints: Endpoints,
  request: AckMessageRequest,
  timeoutMs: number,
) => Promise<AckMessageResponse>;

interface PendingAck {
  entry: AckMessageEntry;
  resolve(response: AckMessageResponse): void;
  reject(error: unknown): void;
}

interface PendingBatch {
  endpoints: Endpoints;
  first: AckMessageRequest;
  timeoutMs: number;
  acks: PendingAck[];
}

/** The most entries one request carries: a lite receive returns at most 32 messages. */
const MAX_ENTRIES = 32;

/** A group or topic as namespace and name: computed for every ack, so no serialisation. */
const resourceKey = (resource: Resource | undefined) =>
  `${resource?.getResourceNamespace() ?? ''}\u0000${resource?.getName() ?? ''}`;

const entryKey = (entry: { getMessageId(): string; getReceiptHandle(): string }) =>
  `${entry.getMessageId()}\u0000${entry.getReceiptHandle()}`;

/**
 * Folds the one-message acks the client starts in one tick into one AckMessageRequest per proxy, group
 * and topic: one gRPC call for a received batch instead of one per message. The client acks each message
 * of a batch as its listener returns, all within one tick, so the fold waits for nothing but the end of
 * that tick (setImmediate). Each caller gets a response carrying its own entry's status, as if it had
 * sent alone, so the client's retry of a failed ack works unchanged; a failed call fails every ack in it.
 * The proxy acks lite entries one by one towards the broker: this saves client↔proxy calls only.
 */
export class AckBatcher {
  private readonly pending = new Map<string, PendingBatch>();
  private flushScheduled = false;

  constructor(private readonly send: SendAck) {}

  ack(endpoints: Endpoints, request: AckMessageRequest, timeoutMs: number): Promise<AckMessageResponse> {
    const [entry, ...more] = request.getEntriesList();
    if (!entry || more.length > 0) return this.send(endpoints, request, timeoutMs);
    const key = [endpoints.toString(), resourceKey(request.getGroup()), resourceKey(request.getTopic())].join(
      '\u0000',
    );
    let batch = this.pending.get(key);
    if (!batch) {
      batch = { endpoints, first: request, timeoutMs, acks: [] };
      this.pending.set(key, batch);
    }
    const acks = batch.acks;
    const answered = new Promise<AckMessageResponse>((resolve, reject) =>
      acks.push({ entry, resolve, reject }),
    );
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    return answered;
  }

  private flush(): void {
    this.flushScheduled = false;
    const batches = [...this.pending.values()];
    this.pending.clear();
    for (const batch of batches) {
      for (let at = 0; at < batch.acks.length; at += MAX_ENTRIES) {
        void this.sendBatch(batch, batch.acks.slice(at, at + MAX_ENTRIES));
      }
    }
  }

  private async sendBatch(batch: PendingBatch, acks: PendingAck[]): Promise<void> {
    const request = new AckMessageRequest()
      .setGroup(batch.first.getGroup())
      .setTopic(batch.first.getTopic())
      .setEntriesList(acks.map((ack) => ack.entry));
    let response: AckMessageResponse;
    try {
      response = await this.send(batch.endpoints, request, batch.timeoutMs);
    } catch (error) {
      for (const ack of acks) ack.reject(error);
      return;
    }
    const results = new Map(response.getEntriesList().map((result) => [entryKey(result), result]));
    for (const ack of acks) {
      const result = results.get(entryKey(ack.entry));
      // No entry of its own: the request as a whole failed, and its status says why.
      const own = new AckMessageResponse().setStatus(result ? result.getStatus() : response.getStatus());
      if (result) own.setEntriesList([result]);
      ack.resolve(own);
    }
  }
}
