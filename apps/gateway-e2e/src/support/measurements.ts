import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const FILE = path.resolve(__dirname, '../../../../test-results/measurements.jsonl');

/** Prints a measurement and appends it to test-results/measurements.jsonl (the source of figures in docs/). */
export function recordMeasurement(name: string, values: Record<string, number | string>): void {
  const line = {
    name,
    at: new Date().toISOString(),
    broker: process.env['ROCKETMQ_BROKER_VERSION'],
    ...values,
  };
  mkdirSync(path.dirname(FILE), { recursive: true });
  appendFileSync(FILE, `${JSON.stringify(line)}\n`);
  console.log(`[measure] ${name}: ${JSON.stringify(values)}`);
}
