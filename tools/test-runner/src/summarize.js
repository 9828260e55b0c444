// Adds up the per-run Jest totals written by results-reporter.js and prints the plain summary line
// "N passed, N failed[, N skipped]". A suite that could not run at all counts as one failure.
const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');

function summarize(dir) {
  const totals = { passed: 0, failed: 0, skipped: 0, runs: 0, failures: [] };
  let files = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return totals;
  }
  for (const file of files) {
    const run = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    totals.runs += 1;
    totals.passed += run.numPassedTests;
    totals.failed += run.numFailedTests + run.numRuntimeErrorTestSuites;
    totals.skipped += run.numPendingTests + run.numTodoTests;
    totals.failures.push(...(run.failures ?? []));
  }
  return totals;
}

function summaryLine(totals) {
  const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
  return `${totals.passed} passed, ${totals.failed} failed${skipped}`;
}

module.exports = { summarize, summaryLine };

if (require.main === module) {
  const dir = process.argv[2];
  const totals = summarize(dir);
  const extraFailures = Number(process.argv[3] ?? 0);
  totals.failed += extraFailures;
  for (const failure of totals.failures) process.stdout.write(`[ci] failed: ${failure}\n`);
  process.stdout.write(`${summaryLine(totals)}\n`);
}
