#!/usr/bin/env node
// Receipts benchmarks. `npm run bench` builds and runs all; `node bench/run.js ingest|activity` runs one part.
// BENCH_QUICK=1 runs a much smaller version (results under bench/results/quick/, not meant to be committed).
// BENCH_CPU_PROF=<dir> runs every server child under --cpu-prof (see bench/profile-top.js).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { activityBench } from './activity.js';
import { auditBench } from './audit.js';
import { ingestBench } from './ingest.js';
import { BENCH, log, QUICK } from './lib.js';
import { postgresBench } from './postgres.js';
import { streamsBench } from './streams.js';
import { summary } from './summary.js';
import { tlogBench } from './tlog.js';

const PARTS = {
  ingest: ingestBench,
  activity: activityBench,
  audit: auditBench,
  tlog: tlogBench,
  streams: streamsBench,
  postgres: postgresBench,
};

async function main() {
  const wanted = process.argv.slice(2);
  for (const w of wanted) {
    if (!PARTS[w]) {
      process.stderr.write(`usage: node bench/run.js [${Object.keys(PARTS).join('|')}]...\n`);
      process.exit(2);
    }
  }
  const parts = wanted.length > 0 ? wanted : Object.keys(PARTS);
  const out = join(BENCH, 'results', QUICK ? 'quick' : '');
  mkdirSync(out, { recursive: true });
  const t0 = Date.now();
  // Run together, the activity benchmark reads the store that the ingest benchmark's (b) run wrote (the same
  // rows), instead of ingesting them again.
  let store;
  for (const part of parts) {
    log(`— ${part}${QUICK ? ' (quick)' : ''} —`);
    let result;
    // Steps done so far are kept in <part>.partial.json until the part completes, so a failure loses little.
    const partial = join(out, `${part}.partial.json`);
    const onStep = (r) => writeFileSync(partial, `${JSON.stringify(r, null, 2)}\n`);
    const later = (p) => parts.indexOf(p) > parts.indexOf('ingest');
    if (part === 'ingest' && (later('activity') || later('audit'))) {
      ({ result, store } = await ingestBench({ keepStore: true, onStep }));
    } else if (part === 'activity') {
      result = await activityBench({ store });
    } else if (part === 'audit') {
      result = await auditBench({ store });
    } else if (part === 'ingest') result = await ingestBench({ onStep });
    else if (part === 'postgres') result = await postgresBench({ onStep });
    else result = await PARTS[part]();
    writeFileSync(join(out, `${part}.json`), `${JSON.stringify(result, null, 2)}\n`);
    rmSync(partial, { force: true });
    log(`${part}: done in ${result.duration_s}s, wrote ${join(out, `${part}.json`)}`);
  }
  if (store) rmSync(store.dir, { recursive: true, force: true });
  const results = {};
  for (const part of Object.keys(PARTS)) {
    const file = join(out, `${part}.json`);
    if (existsSync(file)) results[part] = JSON.parse(readFileSync(file, 'utf8'));
  }
  const md = summary(results);
  writeFileSync(join(out, 'summary.md'), md);
  process.stdout.write(`\n${md}\n`);
  log(`all done in ${Math.round((Date.now() - t0) / 1000)}s`);
}

let finished = false;
// A part waiting on something that can no longer happen lets the event loop run dry: Node would then exit 0
// with that part's results unwritten, so say so and fail instead.
process.on('beforeExit', () => {
  if (finished) return;
  process.stderr.write('bench failed: the run stopped with work unfinished (a promise that never settled)\n');
  process.exit(1);
});

main().then(
  () => {
    finished = true;
  },
  (error) => {
    process.stderr.write(`bench failed: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
