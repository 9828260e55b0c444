export interface Totals {
  passed: number;
  failed: number;
  skipped: number;
  runs: number;
}
export function summarize(dir: string): Totals;
export function summaryLine(totals: Totals): string;
