// Start-up configuration as an operator meets it: production refuses to start without its secrets (one clear
// line, no stack trace); demo mode needs nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, serverEnv, startServer, tempDir } from '../support/server.js';

function serve(env: Record<string, string>) {
  const r = spawnSync(process.execPath, [CLI, 'serve'], { env, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('production start-up', () => {
  it.each(['RECEIPTS_WIDGET_SECRET', 'RECEIPTS_PEPPER', 'RECEIPTS_SIGNING_KEY'])(
    'should refuse to start without %s, naming it in one line and a critical log entry',
    (name) => {
      const env = { ...serverEnv(tempDir()), NODE_ENV: 'production', RECEIPTS_DEMO: '' };
      delete (env as Record<string, string | undefined>)[name];
      const r = serve(env);
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      const plain = lines.filter((l) => !l.startsWith('{'));
      expect(plain).toEqual([`receipts: ${name} is required when NODE_ENV=production`]);
      const logged = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      expect(logged).toEqual([
        expect.objectContaining({ level: 'CRITICAL', event_type: 'config_error', variable: name }),
      ]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('should refuse LOG_LEVEL=debug in production', () => {
    const r = serve({
      ...serverEnv(tempDir()),
      NODE_ENV: 'production',
      RECEIPTS_DEMO: '',
      LOG_LEVEL: 'debug',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LOG_LEVEL=debug is refused when NODE_ENV=production');
  });

  it('should refuse a widget secret shorter than 32 bytes and a malformed signing key', () => {
    const short = serve({ ...serverEnv(tempDir()), RECEIPTS_WIDGET_SECRET: 'too-short' });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('RECEIPTS_WIDGET_SECRET must be at least 32 bytes');
    const key = serve({ ...serverEnv(tempDir()), RECEIPTS_SIGNING_KEY: 'not a key' });
    expect(key.stderr).toContain('RECEIPTS_SIGNING_KEY must be an Ed25519 private key');
  });

  it('should refuse a prepare or read worker count that is not a whole number from 0 to 64', () => {
    for (const variable of ['RECEIPTS_PREPARE_WORKERS', 'RECEIPTS_READ_WORKERS'])
      for (const value of ['lots', '-1', '65']) {
        const r = serve({ ...serverEnv(tempDir()), [variable]: value });
        expect(r.code, value).toBe(2);
        expect(r.stderr).toContain(`${variable} must be a whole number from 0 to 64, got "${value}"`);
      }
  });
});

describe('demo mode', () => {
  it('should start with no configuration: generated secrets, a seeded demo user, and the host page at /', async () => {
    const dir = tempDir();
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      RECEIPTS_DB: join(dir, 'receipts.db'),
    };
    const server = await startServer({ dir, reuseEnv: env });
    try {
      expect(existsSync(join(dir, 'dev-secrets.json'))).toBe(true);
      // The banner follows the "listening" log line on stderr.
      for (let i = 0; i < 50 && !server.output().includes('Receipts demo'); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(server.output()).toMatch(/Receipts demo: open http:\/\/localhost:\d+\//);
      const page = await fetch(`${server.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<activity-log');
      const { token } = (await (await fetch(`${server.url}/demo/token`, { method: 'POST' })).json()) as {
        token: string;
      };
      const activity = await (
        await fetch(`${server.url}/v1/me/activity?limit=200`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json();
      const types = new Set(activity.items.map((i: { event_type: string }) => i.event_type));
      for (const t of ['login_success', 'login_failure', 'password_change', 'data_export'])
        expect(types).toContain(t);
      const sessions = await (
        await fetch(`${server.url}/v1/me/sessions`, { headers: { authorization: `Bearer ${token}` } })
      ).json();
      expect(sessions.items.length).toBeGreaterThanOrEqual(3);
      const devices = await (
        await fetch(`${server.url}/v1/me/devices`, { headers: { authorization: `Bearer ${token}` } })
      ).json();
      expect(devices.items.length).toBeGreaterThanOrEqual(3);
    } finally {
      await server.stop();
    }
    // A second start keeps the same secrets and does not seed twice.
    const secrets = readFileSync(join(dir, 'dev-secrets.json'), 'utf8');
    const again = await startServer({ dir, reuseEnv: env });
    try {
      expect(readFileSync(join(dir, 'dev-secrets.json'), 'utf8')).toBe(secrets);
      expect(again.output()).not.toContain('seeded');
    } finally {
      await again.stop();
    }
  });
});
