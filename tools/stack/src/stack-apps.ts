import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NodeProcessSpec } from './node-process';
import type { StackConfig, StackNode } from './stack-config';

/** The workspace root. */
export const ROOT = path.resolve(__dirname, '../../..');

/** Where `npm start` builds the demo page (apps/demo); the gateways serve it at `/` (their DEMO_DIR). */
export const DEMO_DIR = path.join(ROOT, 'dist', 'apps', 'demo');

interface App {
  entry: string;
  tsconfig: string;
  /** SIGTERM → SIGKILL; covers the app's own graceful shutdown. */
  stopGraceMs: number;
}

// From sources, as the e2e tests run them: swc-node compiles on load, no build step.
const GATEWAY: App = {
  entry: 'apps/gateway/src/main.ts',
  tsconfig: 'apps/gateway/tsconfig.app.json',
  stopGraceMs: 15_000, // drain grace + closing the lite consumer (up to 5 s)
};
const SCHEDULER: App = {
  entry: 'apps/llm-scheduler/src/main.ts',
  tsconfig: 'apps/llm-scheduler/tsconfig.app.json',
  stopGraceMs: 30_000, // SHUTDOWN_GRACE_MS (10 s) for running turns, and the app's own 10 s backstop
};

/** Fails before anything starts when an app's entry or tsconfig is missing. */
export function requireAppSources(): void {
  const missing = [GATEWAY, SCHEDULER]
    .flatMap((app) => [app.entry, app.tsconfig])
    .filter((file) => !existsSync(path.join(ROOT, file)));
  if (missing.length > 0) throw new Error(`cannot start the stack, missing: ${missing.join(', ')}`);
}

/**
 * How `npm start` runs its gateways: anonymous mode (the demo page has no identity provider; the node
 * warns about it at start-up) behind the dev balancer, whose X-Forwarded-For the nodes believe.
 */
export const DEV_GATEWAY_ENV: Readonly<Record<string, string>> = {
  AUTH_MODE: 'anonymous',
  TRUSTED_PROXIES: 'loopback',
};

/**
 * How to run each gateway node and the scheduler against `rocketmqEndpoint`; `gatewayEnv` adds the
 * gateways' authentication and limit settings (DEV_GATEWAY_ENV for `npm start`).
 */
export function nodeSpecs(
  config: StackConfig,
  rocketmqEndpoint: string,
  gatewayEnv: Readonly<Record<string, string>>,
  llmEnv: Readonly<Record<string, string>> = { LLM_PROVIDER: process.env['LLM_PROVIDER'] || 'simulated' },
): NodeProcessSpec[] {
  const labelWidth = Math.max(...[...config.gateways, config.scheduler].map((node) => node.id.length));
  const gateways = config.gateways.map((node, index) =>
    spec(GATEWAY, node, config, labelWidth, {
      GATEWAY_NODE_ID: node.id,
      // A lite group of its own per node: each gets every event of the sessions it serves.
      GATEWAY_GROUP_INDEX: String(index),
      SESSION_SECRET: config.sessionSecret,
      ROCKETMQ_ENDPOINTS: rocketmqEndpoint,
      DEMO_DIR,
      ...gatewayEnv,
    }),
  );
  const scheduler = spec(SCHEDULER, config.scheduler, config, labelWidth, {
    SCHEDULER_NODE_ID: config.scheduler.id,
    ROCKETMQ_ENDPOINTS: rocketmqEndpoint,
    ...llmEnv,
  });
  return [...gateways, scheduler];
}

function spec(
  app: App,
  node: StackNode,
  config: StackConfig,
  labelWidth: number,
  env: Record<string, string>,
): NodeProcessSpec {
  return {
    name: node.id,
    args: ['-r', '@swc-node/register', app.entry],
    cwd: ROOT,
    env: {
      ...process.env,
      SWC_NODE_PROJECT: path.join(ROOT, app.tsconfig),
      PORT: String(node.port),
      HOST: config.host,
      ...env,
    },
    readyUrl: `http://${config.host}:${node.port}/health/ready`,
    stopGraceMs: app.stopGraceMs,
    labelWidth,
  };
}
