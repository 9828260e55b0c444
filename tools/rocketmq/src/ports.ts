import { type BrokerRole, indexOf, isBrokerRole, isProxyRole, type ProxyRole, type Role } from './servers';

/**
 * Distance between two brokers' listen ports. A broker listens on its port-2 (fast remoting), its port and
 * its port+1 (HA), so any step above 3 keeps them apart; 100 keeps the numbers easy to read.
 */
export const BROKER_PORT_STEP = 100;
/** Distance between the first and the second proxy's gRPC (and remoting) ports. */
export const PROXY_PORT_STEP = 100;

/** The configured ports: the NameServer's and those of the first broker and the first proxy. */
export interface BasePorts {
  readonly namesrv: number;
  readonly broker: number;
  readonly proxyGrpc: number;
  readonly proxyRemoting: number;
}

/** A port a server listens on, and a name for it in error messages. */
export interface PortUse {
  readonly port: number;
  readonly use: string;
}

export function brokerListenPort(ports: BasePorts, role: BrokerRole): number {
  return ports.broker + BROKER_PORT_STEP * indexOf(role);
}

export function proxyPorts(ports: BasePorts, role: ProxyRole): { grpc: number; remoting: number } {
  const offset = PROXY_PORT_STEP * indexOf(role);
  return { grpc: ports.proxyGrpc + offset, remoting: ports.proxyRemoting + offset };
}

/** The ports a server listens on, the one that tells it is up first. */
export function portsOf(ports: BasePorts, role: Role): PortUse[] {
  if (isBrokerRole(role)) {
    const listen = brokerListenPort(ports, role);
    const offset = listen - ports.broker;
    // The first broker's names are the ones this tool always printed.
    const name = offset === 0 ? 'Broker' : `Broker ${role}`;
    const plus = (delta: number) => {
      const total = offset + delta;
      return `ROCKETMQ_BROKER_PORT${total === 0 ? '' : ` ${total < 0 ? '-' : '+'} ${Math.abs(total)}`}`;
    };
    return [
      { port: listen, use: `${name} (${plus(0)})` },
      { port: listen - 2, use: `${name} fast-remoting port (${plus(-2)})` },
      { port: listen + 1, use: `${name} HA port (${plus(1)})` },
    ];
  }
  if (isProxyRole(role)) {
    const { grpc, remoting } = proxyPorts(ports, role);
    const name = indexOf(role) === 0 ? 'Proxy' : `Proxy ${role}`;
    const plus = indexOf(role) === 0 ? '' : ` + ${PROXY_PORT_STEP * indexOf(role)}`;
    return [
      { port: grpc, use: `${name} gRPC (ROCKETMQ_PROXY_PORT${plus})` },
      { port: remoting, use: `${name} remoting (ROCKETMQ_PROXY_REMOTING_PORT${plus})` },
    ];
  }
  return [{ port: ports.namesrv, use: 'NameServer (ROCKETMQ_NAMESRV_PORT)' }];
}

/** Every port two of these servers would share, as "port (one use, another use)"; [] when none. */
export function portOverlaps(ports: BasePorts, roles: readonly Role[]): string[] {
  const uses = new Map<number, string[]>();
  for (const { port, use } of roles.flatMap((role) => portsOf(ports, role))) {
    uses.set(port, [...(uses.get(port) ?? []), use]);
  }
  return [...uses]
    .filter(([, names]) => names.length > 1)
    .map(([port, names]) => `${port} (${names.join(', ')})`);
}
