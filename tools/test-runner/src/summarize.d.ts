export interface Totals {
  passed: number;
  failed: number;
  skipped: number;
  runs: number;
  /** One line per failed test or suite: file › test name: first line of the failure. */
  failures: string[];
}
export function summarize(dir: string): Totals;
export function summaryLine(totals: Totals): string;
