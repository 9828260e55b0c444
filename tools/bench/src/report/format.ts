import type { PathName } from '../results';

/** What a cell shows for a value that was not measured (a path not run, a failed scenario). */
export const MISSING = '—';

/** The order paths appear in, in every table and chart. */
export const PATH_ORDER: readonly PathName[] = ['litesession', 'direct', 'redis'];

/** What a row shows for a path the run did not include. */
export const NOT_RUN = 'not run';

/** What a cell shows for something a path cannot do by design (the direct path cannot resume). */
export const NOT_POSSIBLE = 'not possible';

/** Short path names for tables and legends (PATH_LABELS are for prose). */
export const PATH_SHORT_LABELS: Record<PathName, string> = {
  litesession: 'LiteSession',
  direct: 'Direct',
  redis: 'Redis Streams',
};

/** Fixed decimals with thousands separators; "—" for a value that is absent or not finite. */
export function formatNumber(value: number | undefined, decimals = 0): string {
  if (value === undefined || !Number.isFinite(value)) return MISSING;
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Milliseconds: 2 decimals below 10 ms, where a tenth is a large share, else 1. */
export function formatMs(value: number | undefined): string {
  return formatNumber(value, value !== undefined && Math.abs(value) < 10 ? 2 : 1);
}

/** A signed difference in ms, e.g. "+3.00 ms". */
export function formatDeltaMs(value: number | undefined): string {
  const formatted = formatMs(value);
  if (formatted === MISSING || value === undefined) return MISSING;
  return `${value > 0 ? '+' : ''}${formatted} ms`;
}

/** `numerator ÷ denominator` as "2.00×"; "—" unless both are positive and finite. */
export function formatRatio(numerator: number | undefined, denominator: number | undefined): string {
  if (numerator === undefined || denominator === undefined) return MISSING;
  if (!(numerator > 0 && denominator > 0) || !Number.isFinite(numerator / denominator)) return MISSING;
  return `${formatNumber(numerator / denominator, 2)}×`;
}

/** A GitHub-flavoured Markdown table; columns of numbers (and placeholders) are right-aligned, the others left. */
export function markdownTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  const numeric = (column: number) =>
    rows.some((cells) => NUMBER_CELL.test(cells[column] ?? '')) &&
    rows.every(
      (cells) => NUMBER_CELL.test(cells[column] ?? '') || PLACEHOLDER_CELL.test(cells[column] ?? ''),
    );
  const rule = `|${headers.map((_, column) => (numeric(column) ? ' ---: ' : ' --- ')).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

const NUMBER_CELL = /^[+-]?\d/;
const PLACEHOLDER_CELL = new RegExp(`^(${MISSING}|${NOT_RUN}|${NOT_POSSIBLE})?$`);

/** Keeps a cell on one line and out of the column syntax. */
function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
