/**
 * A separate process that consumes `chat-requests` the way the LLM scheduler does: group `llm-scheduler`,
 * a PushConsumer with RocketMQServer's settings, and every request kept unacknowledged (a running turn)
 * until it is told to acknowledge it. Driven by request-broker-restart.probe.ts.
 *
 * env:    ROCKETMQ_ENDPOINTS, RUN (the run's id; messages of other runs are acknowledged at once and
 *         reported as `foreign`), ACK=hold (default) | repeats (hold first deliveries only) | all (ack on arrival)
 * stdin:  "ack <id,id,…>" (deliveries by id) | "exit"
 * stdout: one JSON object per line: ready, received, foreign, ack (the proxy's answer to each ack RPC)
 */
import { createInterface } from 'node:readline';
import { ConsumeResult, FilterExpression, type MessageView, PushConsumer } from 'rocketmq-client-nodejs';
import { withLinkRepair } from '../../src/lib/client/link-repair';
import { withSettingsReplay } from '../../src/lib/client/settings-replay';

const TOPIC = 'chat-requests';
const emit = (line: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ t: Date.now(), ...line })}\n`);
const toStderr = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
const logger = { info: () => undefined, warn: toStderr, error: toStderr };

// The client's consume services log through getDefaultLogger() (a file in ~/logs); send it to stderr.
(
  require('rocketmq-client-nodejs/dist/client/Logger') as { getDefaultLogger: () => unknown }
).getDefaultLogger = () => logger;

/** The proxy's receipt handle: "<ckOffset> <popTime> <invisibleMs> <reviveQid> <topicType> <broker> <queueId> <offset> …". */
function handleInfo(handle: string) {
  const [ckOffset, popTime, invisibleMs, reviveQid, topicType, broker, queueId, offset] = handle.split(' ');
  return {
    ckOffset,
    popTime: Number(popTime),
    invisibleMs: Number(invisibleMs),
    reviveQid,
    topicType,
    broker,
    queueId,
    offset,
  };
}

async function main(): Promise<void> {
  const run = process.env['RUN'] ?? '';
  const ackMode = process.env['ACK'] ?? 'hold';
  const held = new Map<number, (result: ConsumeResult) => void>();
  const seen = new Set<string>();
  const deliveryOf = new Map<string, number>(); // receipt handle -> delivery id
  let nextId = 1;

  const consumer = new (withLinkRepair(withSettingsReplay(PushConsumer)))({
    endpoints: process.env['ROCKETMQ_ENDPOINTS'] ?? '',
    namespace: '',
    logger,
    consumerGroup: 'llm-scheduler',
    subscriptions: new Map([[TOPIC, FilterExpression.SUB_ALL]]),
    // As RocketMQServer.listen() creates it.
    maxCacheMessageCount: 64,
    longPollingTimeout: 5_000,
    enableFifoConsumeAccelerator: true,
    messageListener: {
      consume: (view: MessageView) => {
        const { run: of, n } = JSON.parse(view.body.toString()) as { run?: string; n?: number };
        const id = nextId++;
        deliveryOf.set(view.receiptHandle, id);
        const attempt = view.deliveryAttempt;
        if (of !== run) {
          emit({ kind: 'foreign', id, run: of, n, attempt, messageId: view.messageId });
          return ConsumeResult.SUCCESS;
        }
        const repeat = seen.has(view.messageId);
        seen.add(view.messageId);
        emit({
          kind: 'received',
          id,
          n,
          attempt,
          repeat,
          messageId: view.messageId,
          group: view.messageGroup,
          ...handleInfo(view.receiptHandle),
        });
        if (ackMode === 'all' || (ackMode === 'repeats' && repeat)) return ConsumeResult.SUCCESS;
        return new Promise<ConsumeResult>((resolve) => held.set(id, resolve));
      },
    },
  });

  // Every ack RPC and the proxy's answer (the client retries failures itself and never reports them).
  const ackViaRpc = consumer.ackMessageViaRpc.bind(consumer);
  consumer.ackMessageViaRpc = async (...args: Parameters<typeof ackViaRpc>) => {
    const entry = args[1].getEntriesList()[0];
    const id = deliveryOf.get(entry?.getReceiptHandle() ?? '');
    try {
      const response = await ackViaRpc(...args);
      const status = response.getStatus()?.toObject();
      emit({
        kind: 'ack',
        id,
        messageId: entry?.getMessageId(),
        code: status?.code,
        message: status?.message,
      });
      return response;
    } catch (error) {
      emit({ kind: 'ack', id, messageId: entry?.getMessageId(), error: String(error).slice(0, 200) });
      throw error;
    }
  };

  await consumer.startup();
  emit({ kind: 'ready', clientId: consumer.clientId });
  createInterface({ input: process.stdin }).on('line', (line) => {
    const [command, list = ''] = line.trim().split(/\s+/);
    if (command === 'exit') {
      void Promise.race([consumer.shutdown(), new Promise((resolve) => setTimeout(resolve, 8_000))]).then(
        () => process.exit(0),
      );
    } else if (command === 'ack') {
      for (const id of list.split(',').map(Number)) {
        held.get(id)?.(ConsumeResult.SUCCESS);
        held.delete(id);
      }
    }
  });
}

main().catch((error: unknown) => {
  emit({ kind: 'error', message: String(error) });
  process.exit(1);
});
