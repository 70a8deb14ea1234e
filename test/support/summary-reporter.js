/**
 * Prints the plain closing line `N passed, N failed[, N skipped]` after Jest's own summary, so that
 * tools which read a run's last line (CI among them) count the tests without parsing Jest's format.
 */
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : '');
    process.stdout.write(`\n${line}\n`);
  }
}
