import { randomBytes } from 'node:crypto';

/** One app process of the stack. */
export interface StackNode {
  /** GATEWAY_NODE_ID / SCHEDULER_NODE_ID, also the label of its output lines. */
  id: string;
  port: number;
}

/** What `npm start` runs where. Everything listens on loopback. */
export interface StackConfig {
  host: '127.0.0.1';
  /** The dev balancer: the URL clients use. */
  balancerPort: number;
  gateways: StackNode[];
  scheduler: StackNode;
  /** Shared by every gateway node (resume tokens made by one are checked by another). */
  sessionSecret: string;
  secretSource: 'environment' | 'generated';
  /** Who answers: the simulated model, or the local model through its OpenAI-compatible server. */
  model: StackModel;
  /** The local model's server (tools/model), with `model: 'local'`. */
  modelPort: number;
}

export const STACK_MODELS = ['simulated', 'local'] as const;
export type StackModel = (typeof STACK_MODELS)[number];

export class StackConfigError extends Error {
  override name = 'StackConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid stack settings:\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * Reads the optional overrides: STACK_PORT (3000), STACK_GATEWAY_PORTS (3001,3002: one gateway node per port,
 * named node-a, node-b, ...), STACK_SCHEDULER_PORT (3100), SESSION_SECRET (random per run when unset),
 * and the model: `--model simulated|local` or STACK_MODEL (simulated), STACK_MODEL_PORT (8090).
 * Every problem is reported at once.
 */
export function loadStackConfig(
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = [],
): StackConfig {
  const problems: string[] = [];
  const port = (name: string, raw: string): number => {
    const value = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!(value >= 1 && value <= 65535))
      problems.push(`${name} must be a port number 1-65535 (got "${raw}")`);
    return value;
  };
  const balancerPort = port('STACK_PORT', env['STACK_PORT'] || '3000');
  const gatewayPorts = (env['STACK_GATEWAY_PORTS'] || '3001,3002')
    .split(',')
    .map((raw) => port('STACK_GATEWAY_PORTS', raw));
  if (gatewayPorts.length > 26) problems.push('STACK_GATEWAY_PORTS lists more than 26 ports');
  const gateways = gatewayPorts.map((p, i) => ({ id: `node-${String.fromCharCode(97 + i)}`, port: p }));
  const scheduler = {
    id: 'scheduler-1',
    port: port('STACK_SCHEDULER_PORT', env['STACK_SCHEDULER_PORT'] || '3100'),
  };
  const model = modelFrom(argv, env, problems);
  const modelPort = port('STACK_MODEL_PORT', env['STACK_MODEL_PORT'] || '8090');
  const all = [balancerPort, ...gatewayPorts, scheduler.port, ...(model === 'local' ? [modelPort] : [])];
  if (problems.length === 0 && new Set(all).size !== all.length) {
    problems.push(`the stack's ports overlap: ${all.join(', ')}`);
  }
  const fromEnv = env['SESSION_SECRET'] || undefined;
  if (fromEnv !== undefined && fromEnv.length < 32) {
    problems.push('SESSION_SECRET must be at least 32 characters (or unset it for a random one per run)');
  }
  if (problems.length > 0) throw new StackConfigError(problems);
  return {
    host: '127.0.0.1',
    balancerPort,
    gateways,
    scheduler,
    // 36 random bytes are 48 base64url characters.
    sessionSecret: fromEnv ?? randomBytes(36).toString('base64url'),
    secretSource: fromEnv === undefined ? 'generated' : 'environment',
    model,
    modelPort,
  };
}

function modelFrom(argv: readonly string[], env: NodeJS.ProcessEnv, problems: string[]): StackModel {
  let raw = env['STACK_MODEL'] || 'simulated';
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--model') raw = argv[(i += 1)] ?? '';
    else if (arg.startsWith('--model=')) raw = arg.slice('--model='.length);
    else problems.push(`unknown argument "${arg}" (npm start -- --model simulated|local)`);
  }
  if (!(STACK_MODELS as readonly string[]).includes(raw)) {
    problems.push(`--model (or STACK_MODEL) must be ${STACK_MODELS.join(' or ')} (got "${raw}")`);
    return 'simulated';
  }
  return raw as StackModel;
}
