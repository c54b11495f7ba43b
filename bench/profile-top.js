#!/usr/bin/env node
// Summarizes a V8 .cpuprofile (from BENCH_CPU_PROF=<dir>): top functions by self time and by inclusive time,
// with file:line, and self time by file. Usage: node bench/profile-top.js <file.cpuprofile> [top=25]
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/profile-top.js <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Sample time per node.
const selfUs = new Map();
const deltas = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

// Frames in dist/ are mapped back to the TypeScript source through the emitted source maps.
const maps = new Map();
function sourceMap(path) {
  if (!maps.has(path)) {
    const file = `${path}.map`;
    maps.set(
      path,
      existsSync(file)
        ? { map: new SourceMap(JSON.parse(readFileSync(file, 'utf8'))), dir: dirname(path) }
        : null,
    );
  }
  return maps.get(path);
}

function where(cf) {
  let url = cf.url || '';
  if (!url) return '(native)';
  if (url.startsWith('file://')) {
    const path = fileURLToPath(url);
    const sm = path.includes('/dist/') ? sourceMap(path) : null;
    const entry = sm?.map.findEntry(cf.lineNumber, cf.columnNumber);
    if (entry?.originalSource) {
      const src = entry.originalSource.startsWith('file://')
        ? fileURLToPath(entry.originalSource)
        : join(sm.dir, entry.originalSource);
      return `${relative(ROOT, src)}:${entry.originalLine + 1}`;
    }
    url = relative(ROOT, path);
  }
  url = url.replace(/^node_modules\//, 'nm/');
  return `${url}:${cf.lineNumber + 1}`;
}
const key = (n) => `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame)}`;

const self = new Map();
const incl = new Map();
const byFile = new Map();
for (const [id, us] of selfUs) {
  const n = nodes.get(id);
  self.set(key(n), (self.get(key(n)) ?? 0) + us);
  const f = n.callFrame.url
    ? where(n.callFrame).replace(/:\d+$/, '')
    : n.callFrame.functionName || '(native)';
  byFile.set(f, (byFile.get(f) ?? 0) + us);
  // inclusive: count each distinct frame once per sample stack
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = key(nodes.get(cur));
    if (!seen.has(k)) {
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + us);
    }
  }
}
const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
let out = `${file}: ${(total / 1e6).toFixed(2)} s sampled\n`;
const print = (title, map, count) => {
  out += `\n${title}\n`;
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count))
    out += `${pct(us)} ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}\n`;
};
print('self time, by function', self, top);
print('inclusive time, by function', incl, top);
print('self time, by file', byFile, top);
process.stdout.write(out);
