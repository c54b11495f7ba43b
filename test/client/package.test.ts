// The SDK as a host gets it: `npm pack` in client/, installed into an empty project, used from a plain
// script against the real server. Needs `npm run build` (which builds client/dist) first.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { ReceiptsEvent } from '../../client/index.js';
import type { IngestEvent } from '../../shared/schemas/event.js';
import { ROOT, startServer, type TestServer, tempDir } from '../support/server.js';

// The package's plain event type must stay the server's ingest contract (checked by `npm run typecheck`).
type SameFields<T> = Omit<T, 'event_type' | 'timestamp'>;
expectTypeOf<SameFields<ReceiptsEvent>>().toEqualTypeOf<SameFields<IngestEvent>>();
expectTypeOf<keyof ReceiptsEvent>().toEqualTypeOf<keyof IngestEvent>();

const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const npm = (cwd: string, args: string[]) =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });

/** Every package directory under a node_modules tree, scoped ones included. */
function installedPackages(nodeModules: string): string[] {
  if (!existsSync(nodeModules)) return [];
  const found: string[] = [];
  for (const name of readdirSync(nodeModules)) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      for (const sub of readdirSync(join(nodeModules, name))) {
        found.push(`${name}/${sub}`, ...installedPackages(join(nodeModules, name, sub, 'node_modules')));
      }
    } else found.push(name, ...installedPackages(join(nodeModules, name, 'node_modules')));
  }
  return found;
}

let server: TestServer;
let app: string;
let files: string[];

beforeAll(async () => {
  server = await startServer();
  const dir = tempDir('receipts-host-app-');
  // The build already ran (npm run build); packing again without scripts tests what it produced.
  const [packed] = JSON.parse(
    npm(join(ROOT, 'client'), ['pack', '--ignore-scripts', '--json', '--pack-destination', dir]),
  ) as { filename: string; files: { path: string }[] }[];
  files = packed!.files.map((f) => f.path);
  app = join(dir, 'app');
  execFileSync('mkdir', [app]);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'host-app', private: true, type: 'module' }),
  );
  // Offline: a package with no dependencies needs nothing from a registry.
  npm(app, ['install', '--omit=dev', '--offline', '--no-audit', '--no-fund', join(dir, packed!.filename)]);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('the @receipts/client package', () => {
  it('ships built JavaScript, types and licences, not sources', () => {
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/types/client/index.d.ts');
    expect(files).toContain('dist/LICENSES.txt');
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('installs into an empty project as one package, with no better-sqlite3 or any other dependency', () => {
    const installed = installedPackages(join(app, 'node_modules'));
    expect(installed).toEqual(['@receipts/client']);
    expect(installed.some((p) => p.includes('better-sqlite3'))).toBe(false);
  });

  it('records an event and mints a token that the running server accepts, from a plain script', async () => {
    writeFileSync(
      join(app, 'host.mjs'),
      `import { createReceiptsClient } from '@receipts/client';
const receipts = createReceiptsClient({
  url: process.env.RECEIPTS_URL,
  ingestKey: process.env.RECEIPTS_INGEST_KEY,
  widgetSecret: process.env.RECEIPTS_WIDGET_SECRET,
});
const id = await receipts.record({
  event_type: 'login_success', outcome: 'success', user_id: 'usr_packaged', session_id: 'host-sess-1',
  ip_address: '198.51.100.7', user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
});
const token = await receipts.createWidgetToken({ userId: 'usr_packaged', sessionId: 'host-sess-1' });
const status = await receipts.sessionStatus('host-sess-1');
await receipts.close();
console.log(JSON.stringify({ id, token, status }));
`,
    );
    const run = spawnSync(process.execPath, ['host.mjs'], {
      cwd: app,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        RECEIPTS_URL: server.url,
        RECEIPTS_INGEST_KEY: server.ingestKey,
        RECEIPTS_WIDGET_SECRET: server.widgetSecret,
      },
    });
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout) as { id: string; token: string; status: { status: string } };
    expect(out.status.status).toBe('active');

    const res = await fetch(`${server.url}/v1/me/activity`, {
      headers: { authorization: `Bearer ${out.token}` },
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: { id: string; current: boolean; ip: string }[] };
    const item = page.items.find((i) => i.id === out.id);
    expect(item).toMatchObject({ current: true, ip: '198.51.100.xxx' });
  });

  it('is still `receipts/client` inside the main package', () => {
    const run = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('receipts/client'); console.log(typeof m.createReceiptsClient, typeof m.verifyWebhook);",
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(run.stdout.trim()).toBe('function function');
  });

  it('gives a TypeScript host real types: a good call compiles, an unknown event type does not', () => {
    const prelude = `import { createReceiptsClient, type ReceiptsEvent } from '@receipts/client';
const receipts = createReceiptsClient({ url: 'http://127.0.0.1:1', ingestKey: 'k' });
`;
    writeFileSync(
      join(app, 'good.ts'),
      `${prelude}const e: ReceiptsEvent = { event_type: 'login_failure', outcome: 'failure' };
export const id: Promise<string> = receipts.record(e);
`,
    );
    writeFileSync(
      join(app, 'bad.ts'),
      `${prelude}export const id = receipts.record({ event_type: 'signed_in' });\n`,
    );
    // One compiler run for both files: only the bad one may fail.
    const run = spawnSync(
      process.execPath,
      [
        TSC,
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--target',
        'es2022',
        '--lib',
        'es2022,dom',
        'good.ts',
        'bad.ts',
      ],
      { cwd: app, encoding: 'utf8' },
    );
    expect(run.status).not.toBe(0);
    expect(run.stdout).toMatch(/bad\.ts\(3,.*signed_in/s);
    expect(run.stdout).not.toContain('good.ts');
  });
});
