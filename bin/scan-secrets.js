#!/usr/bin/env node
// Scans every tracked file with Receipts' own secret detector (the built dist/), line by line.
// Exit 1 naming file and line (never the secret) when one is found. Paths in .secrets-allowlist are skipped.
// Usage: scan-secrets.js [DIR]   (a git work tree; this repository by default)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lineHasSecret } from '../dist/server/privacy/detector.js';

const root = process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url));

/** `path` or `dir/**` patterns, one a line; `#` starts a comment that says why. */
function allowlist() {
  let text = '';
  try {
    text = readFileSync(`${root}/.secrets-allowlist`, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map((p) => (p.endsWith('/**') ? (f) => f.startsWith(p.slice(0, -2)) : (f) => f === p));
}

// Text that looks like a secret but is not one: Subresource Integrity digests (package-lock.json), and
// template placeholders in source code (`${password}` is a variable, not a value).
const NOT_SECRETS = [/\bsha(?:256|384|512)-[A-Za-z0-9+/]+={0,2}/g, /\$\{[^}]*\}/g];

const allowed = allowlist();
const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter(Boolean);
const findings = [];
let scanned = 0;
for (const file of files) {
  if (allowed.some((allow) => allow(file))) continue;
  let bytes;
  try {
    bytes = readFileSync(`${root}/${file}`);
  } catch {
    continue; // deleted in the work tree
  }
  if (bytes.includes(0)) continue; // binary
  scanned++;
  bytes
    .toString('utf8')
    .split('\n')
    .forEach((line, i) => {
      const rest = NOT_SECRETS.reduce((l, re) => l.replace(re, ''), line);
      if (lineHasSecret(rest)) findings.push(`${file}:${i + 1}`);
    });
}
if (findings.length > 0) {
  console.error(`secret scan: ${findings.length} line(s) look like a secret:\n  ${findings.join('\n  ')}`);
  console.error('Generate test secrets at run time, or add the path to .secrets-allowlist with the reason.');
  process.exit(1);
}
console.log(`secret scan: ${scanned} tracked files, nothing found`);
