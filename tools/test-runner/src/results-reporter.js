// Jest reporter: writes Jest's own totals for this run into $LITESESSION_TEST_RESULTS_DIR, one JSON
// file per Jest run, so that `npm test` and .ci/run can add them up across projects.
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../../..');

/** What failed, a line each, so that the end of a CI log names it (CI shows only the log's tail). */
function failuresOf(results) {
  const lines = [];
  for (const suite of results.testResults) {
    const file = path.relative(ROOT, suite.testFilePath);
    if (suite.testExecError) lines.push(`${file}: ${firstLine(suite.testExecError.message)}`);
    for (const test of suite.testResults) {
      if (test.status !== 'failed') continue;
      lines.push(`${file} › ${test.fullName}: ${firstLine(test.failureMessages[0] ?? '')}`);
    }
  }
  return lines;
}

function firstLine(text) {
  // eslint-disable-next-line no-control-regex -- strips ANSI colour codes
  const plain = String(text).replace(/\u001b\[[0-9;]*m/g, '');
  const line = plain.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.trim().slice(0, 300);
}

class ResultsReporter {
  constructor(globalConfig) {
    this.projects = (globalConfig.projects ?? []).length;
  }

  onRunComplete(contexts, results) {
    const dir = process.env.LITESESSION_TEST_RESULTS_DIR;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const names = [...contexts].map((c) => c.config.displayName?.name ?? path.basename(c.config.rootDir));
    const file = path.join(dir, `${Date.now()}-${process.pid}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        projects: names,
        numPassedTests: results.numPassedTests,
        numFailedTests: results.numFailedTests,
        numPendingTests: results.numPendingTests,
        numTodoTests: results.numTodoTests,
        numRuntimeErrorTestSuites: results.numRuntimeErrorTestSuites,
        numTotalTestSuites: results.numTotalTestSuites,
        success: results.success,
        failures: failuresOf(results),
      }),
    );
  }
}

module.exports = ResultsReporter;
