import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { BenchResults } from '../results';
import { renderCharts } from './charts';
import { renderReport } from './markdown-report';

/** Marks the generated part of docs/benchmarks.md; the prose around it is written by hand. */
export const REPORT_START_MARKER = '<!-- bench:report:start -->';
export const REPORT_END_MARKER = '<!-- bench:report:end -->';

/** Writes `results.json`, `report.md` and the chart SVGs of one run into `outDir` (created if needed). */
export async function writeReport(results: BenchResults, outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(path.join(outDir, 'report.md'), renderReport(results, '.'));
  await writeCharts(results, outDir);
}

/**
 * Writes the chart SVGs into `chartsDir` and the report between the markers in `docsFile`, leaving the
 * rest of the file as it was; a file without the markers (or no file) gets a marked section at its end.
 * Chart links are relative to `docsFile` (`benchmarks` for docs/benchmarks.md and docs/benchmarks/).
 * @throws Error when `docsFile` has only one of the markers, or the end marker before the start one.
 */
export async function publishToDocs(
  results: BenchResults,
  docsFile: string,
  chartsDir: string,
): Promise<void> {
  const chartLink = path.relative(path.dirname(docsFile), chartsDir).split(path.sep).join('/') || '.';
  const section = `${REPORT_START_MARKER}\n\n${renderReport(results, chartLink)}\n${REPORT_END_MARKER}`;
  // Before any write: a refused docs file leaves the charts as they were too.
  const updated = replaceSection(await readIfExists(docsFile), section, docsFile);
  await writeCharts(results, chartsDir);
  await mkdir(path.dirname(docsFile), { recursive: true });
  await writeFile(docsFile, updated);
}

async function writeCharts(results: BenchResults, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const chart of await renderCharts(results)) await writeFile(path.join(dir, chart.file), chart.svg);
}

function replaceSection(current: string | undefined, section: string, docsFile: string): string {
  if (current === undefined) return `# Benchmarks\n\n${section}\n`;
  const start = current.indexOf(REPORT_START_MARKER);
  const end = current.indexOf(REPORT_END_MARKER);
  if (start === -1 && end === -1) {
    return current.trim() === '' ? `${section}\n` : `${current.trimEnd()}\n\n${section}\n`;
  }
  // Guessing where a half-marked section ends could overwrite hand-written text.
  if (start === -1 || end < start) {
    throw new Error(`${docsFile}: expected ${REPORT_START_MARKER} followed by ${REPORT_END_MARKER}`);
  }
  return current.slice(0, start) + section + current.slice(end + REPORT_END_MARKER.length);
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
