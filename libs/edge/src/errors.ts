// Error-to-text helpers alone, without the Nest parts of the barrel: for command-line tools and workers.
export { toMessage, toStack } from './lib/describe-error';
