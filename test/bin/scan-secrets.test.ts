// The project scans itself: bin/scan-secrets.js runs the built detector over a work tree's tracked files.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng } from '../server/ingest/corpus/random.js';
import { ROOT, tempDir } from '../support/server.js';

const SCAN = join(ROOT, 'bin/scan-secrets.js');

function scan(dir?: string) {
  const r = spawnSync(process.execPath, [SCAN, ...(dir ? [dir] : [])], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

function repo(files: Record<string, string>): string {
  const dir = tempDir('receipts-scan-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q');
  git('add', '.');
  return dir;
}

describe('bin/scan-secrets.js', () => {
  const token = rng(3).fill('ghp_{A:36}');

  it('should find nothing in this repository', () => {
    const r = scan();
    expect(r.out).toMatch(/nothing found/);
    expect(r.code).toBe(0);
  });

  it('should fail naming the file and line of a tracked secret, never the secret', () => {
    const dir = repo({
      'src/config.ts': `export const a = 1;\nexport const token = '${token}';\n`,
      'README.md': 'hi\n',
    });
    const r = scan(dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('src/config.ts:2');
    expect(r.out).not.toContain(token);
  });

  it('should pass ordinary code that names passwords and tokens, and lock-file digests', () => {
    const dir = repo({
      'src/login.ts': "const password = process.env.DB_PASSWORD;\nconst token = req.headers['x-api-key'];\n",
      'package-lock.json': `"integrity": "sha512-${randomBytes(64).toString('base64')}"\n`,
    });
    expect(scan(dir).code).toBe(0);
  });

  it('should skip a path listed in .secrets-allowlist', () => {
    const dir = repo({
      'fixtures/vector.txt': `${token}\n`,
      '.secrets-allowlist': '# a published test vector\nfixtures/vector.txt\n',
    });
    expect(scan(dir).code).toBe(0);
  });
});
