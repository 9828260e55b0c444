import type { ServerName } from '@litesession/rocketmq-tools';

/** Faults of the app's own processes: a SIGKILLed gateway node or scheduler, restarted by the drill. */
export const NODE_FAULTS = ['gateway', 'scheduler'] as const;
/** Faults of the RocketMQ cluster under the app: a SIGKILLed server (or two at once), restarted by the drill. */
export const BROKER_SIDE_FAULTS = ['broker', 'proxy', 'namesrv', 'broker+proxy'] as const;

export type NodeFault = (typeof NODE_FAULTS)[number];
export type BrokerSideFault = (typeof BROKER_SIDE_FAULTS)[number];
export type FaultClass = NodeFault | BrokerSideFault;

/** Every fault class, in the order `npm run chaos` runs them by default. */
export const FAULT_CLASSES: readonly FaultClass[] = [...NODE_FAULTS, ...BROKER_SIDE_FAULTS];

export function isBrokerSide(faultClass: FaultClass): faultClass is BrokerSideFault {
  return (BROKER_SIDE_FAULTS as readonly string[]).includes(faultClass);
}

/** The cluster's servers a fault of this class kills (all of them at once). */
export function serversOf(faultClass: BrokerSideFault): ServerName[] {
  return faultClass === 'broker+proxy' ? ['broker', 'proxy'] : [faultClass];
}

/**
 * Whether sessions that were not told of an outage fail the class. Only when the broker itself is down:
 * the issue asks that clients be told then. A NameServer outage need not reach the gateway at all (the
 * proxy keeps its routes), and whether a proxy restart of a few seconds must be announced is left open,
 * so for those two the drill reports the count without judging it.
 */
export function untoldFailsClass(faultClass: BrokerSideFault): boolean {
  return faultClass === 'broker' || faultClass === 'broker+proxy';
}

/** Reads `--faults a,b,…`; throws on an unknown or repeated class. */
export function parseFaultClasses(list: string): FaultClass[] {
  const faults = list
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const unknown = faults.filter((f) => !(FAULT_CLASSES as readonly string[]).includes(f));
  if (unknown.length > 0)
    throw new Error(`--faults: unknown ${unknown.join(', ')} (known: ${FAULT_CLASSES.join(', ')})`);
  const repeated = faults.filter((f, i) => faults.indexOf(f) !== i);
  if (repeated.length > 0) throw new Error(`--faults: ${repeated.join(', ')} given twice`);
  if (faults.length === 0) throw new Error('--faults: give at least one class');
  return faults as FaultClass[];
}
