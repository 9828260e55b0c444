import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

// This file is libs/rocketmq/src/lib/testing/; the results folder is at the workspace root.
const FILE = path.resolve(__dirname, '../../../../../test-results/measurements.jsonl');

/** Prints a measurement and appends it to test-results/measurements.jsonl (the source of docs/rocketmq.md figures). */
export function recordMeasurement(name: string, values: Record<string, number | string>): void {
  const line = {
    name,
    at: new Date().toISOString(),
    broker: process.env['ROCKETMQ_BROKER_VERSION'],
    ...values,
  };
  mkdirSync(path.dirname(FILE), { recursive: true });
  appendFileSync(FILE, `${JSON.stringify(line)}\n`);
  // eslint-disable-next-line no-console -- tests print their measurements next to their results
  console.log(
    `[measure] ${name}: ${Object.entries(values)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
}
