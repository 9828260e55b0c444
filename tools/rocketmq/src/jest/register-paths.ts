/**
 * Jest loads global setup and teardown through ts-node, outside its module mapper, so the workspace's path
 * aliases (`@litesession/chat-protocol`, which tools/rocketmq provisions from) are registered here. Import
 * it before anything else.
 */
import { join } from 'node:path';
import { loadConfig, register } from 'tsconfig-paths';

const config = loadConfig(join(__dirname, '../../../../tsconfig.base.json'));
if (config.resultType === 'failed') throw new Error(`tsconfig.base.json: ${config.message}`);
register({ baseUrl: config.absoluteBaseUrl, paths: config.paths });
