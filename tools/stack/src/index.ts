// For other tools (tools/chaos): run app nodes the way `npm start` does.
export { NodeProcess, type NodeProcessSpec, NodeProcessError } from './node-process';
export { nodeSpecs, DEV_GATEWAY_ENV, ROOT } from './stack-apps';
export type { StackConfig, StackNode } from './stack-config';
export { freePort } from './ports';
export { DevIdentity, type MintOptions } from './identity';
export { spawnModelServer } from './local-model';
