import { NodeProcess } from '@litesession/stack-tools';
import type { Outage } from './outage';
import { type Node, READY_TIMEOUT_MS } from './stack-nodes';

/** The pause between a node's death and its restart. */
const NODE_PAUSE_MS = 1000;

/** SIGKILLs one app node, waits a second, starts it again and waits until it is ready. */
export async function restartNode(victim: Node): Promise<Outage> {
  victim.process.kill();
  await victim.process.exited;
  const killedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, NODE_PAUSE_MS));
  const restartRequestedAt = Date.now();
  victim.process = NodeProcess.spawn(victim.spec);
  await victim.process.waitReady(READY_TIMEOUT_MS);
  return { servers: [victim.spec.name], killedAt, restartRequestedAt, backAt: Date.now() };
}
