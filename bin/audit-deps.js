#!/usr/bin/env node
// Fails (exit 1) on a high or critical advisory in the production dependencies, as `npm audit --omit=dev`
// reports them. When the registry's advisory service does not answer, it says so in one line and exits 0:
// no answer is not a finding, and failing would block every change for a reason no change can fix.
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', timeout: 120_000 });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  console.error(`audit: npm audit gave no report (${run.error?.message ?? `exit ${run.status}`})`);
  process.exit(1);
}

const counts = report.metadata?.vulnerabilities;
if (!counts) {
  const why = report.statusCode ? `HTTP ${report.statusCode}` : (report.error?.code ?? 'no advisory data');
  console.log(`audit: the advisory service did not answer (${why}); production dependencies not checked`);
  process.exit(0);
}

const serious = (counts.high ?? 0) + (counts.critical ?? 0);
const names = Object.values(report.vulnerabilities ?? {})
  .filter((v) => v.severity === 'high' || v.severity === 'critical')
  .map((v) => `${v.name} (${v.severity})`);
if (serious > 0) {
  console.error(
    `audit: ${serious} high or critical advisories in production dependencies: ${names.join(', ')}`,
  );
  process.exit(1);
}
console.log(
  `audit: no high or critical advisory in production dependencies (${counts.total ?? 0} lower ones)`,
);
