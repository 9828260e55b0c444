// Jest reporter: writes Jest's own totals for this run into $LITESESSION_TEST_RESULTS_DIR, one JSON
// file per Jest run, so that `npm test` and .ci/run can add them up across projects.
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

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
      }),
    );
  }
}

module.exports = ResultsReporter;
