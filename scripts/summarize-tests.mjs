// Totals Jest's JSON results over every run and prints the one summary line CI reads.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, seconds] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const perSuite = [];
for (const name of ['main.json', 'e2e.json']) {
  const file = join(dir, name);
  if (!existsSync(file)) {
    // a run that produced no results (crashed before reporting) counts as a failure
    console.log(`[test] ${name}: no results (the run crashed)`);
    failed += 1;
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  for (const suite of r.testResults) {
    // a suite that failed to load or crashed has no failed test of its own: count it as one
    if (suite.status === 'failed' && suite.assertionResults.every((a) => a.status !== 'failed')) failed += 1;
    perSuite.push({
      path: suite.name.replace(process.cwd() + '/', ''),
      tests: suite.assertionResults.length,
      status: suite.status,
    });
  }
}
const dbFile = join(dir, 'databases.tsv');
if (existsSync(dbFile)) {
  const seen = new Map();
  for (const line of readFileSync(dbFile, 'utf8').trim().split('\n')) {
    const [service, kind, suite] = line.split('\t');
    seen.set(`${suite} (${service})`, kind);
  }
  console.log('[test] databases used:');
  for (const [suite, kind] of [...seen].sort())
    console.log(`[test]   ${kind === 'postgres' ? 'PostgreSQL' : 'PGlite    '}  ${suite}`);
}
console.log(`[test] ${perSuite.length} suites in ${seconds}s`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
