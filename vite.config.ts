// One config for the widget's library build and for vitest.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { minifyTemplatesPlugin } from './widget/build/minify-templates.js';

/**
 * Writes `x.js.br` and `x.js.gz` beside every built file, at the highest levels: compressing once at
 * build time is what lets the server afford brotli 11 (see server/routes/widget-assets.ts).
 */
function precompress(): Plugin {
  return {
    name: 'receipts-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist/widget';
      for (const [name, file] of Object.entries(bundle)) {
        if (!name.endsWith('.js')) continue;
        const body = Buffer.from(file.type === 'chunk' ? file.code : file.source);
        const br = brotliCompressSync(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        });
        writeFileSync(join(dir, `${name}.br`), br);
        writeFileSync(join(dir, `${name}.gz`), gzipSync(body, { level: 9 }));
      }
    },
  };
}

// Tests that read or alter the SQLite file itself (its bytes, its triggers, rows written behind the
// server's back): they describe the embedded store and run on it alone.
const SQLITE_ONLY = [
  'test/reliability/crash.test.ts',
  'test/reliability/shutdown.test.ts',
  'test/reliability/tamper.test.ts',
  'test/reliability/witness.test.ts',
  'test/server/audit/**',
  'test/server/config.test.ts',
  'test/server/domain/erasure-leaves-nothing.test.ts',
  'test/server/domain/erasure.test.ts',
  'test/server/domain/evidence.test.ts',
  'test/server/domain/retention.test.ts',
  'test/server/geo/location.test.ts',
  'test/server/http/disk-full.test.ts',
  'test/server/ingest/bad-input.test.ts',
  'test/server/ingest/corpus.test.ts',
  'test/server/ingest/refuse-secrets.test.ts',
  'test/server/ingest/secrets.test.ts',
  'test/server/ingest/well-formed.test.ts',
  'test/server/notify/new-device.test.ts',
  'test/server/routes/demo.test.ts',
  'test/server/routes/support.test.ts',
  'test/server/routes/webhooks.test.ts',
  'test/server/routes/webhooks-admin.test.ts',
  'test/server/rules/scenarios.test.ts',
  'test/server/streams/**',
];

export default defineConfig({
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    target: 'es2022',
    lib: {
      entry: 'widget/activity-log.ts',
      formats: ['es'],
      fileName: () => 'activity-log.js',
    },
    rolldownOptions: {
      plugins: [minifyTemplatesPlugin(), precompress()],
      // Lets the lazily loaded chunks (locales, the Privacy view) import Lit and shared helpers from the entry
      // instead of splitting them into a third file that every page would have to load.
      preserveEntrySignatures: 'allow-extension',
      output: {
        // Vite keeps whitespace in ES library builds; this file goes straight to browsers, so minify fully.
        minify: true,
        comments: false,
        // Locale catalogs loaded on demand, next to the entry: activity-log.de-<hash>.js
        chunkFileNames: 'activity-log.[name]-[hash].js',
      },
    },
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['test/**/*.test.ts'],
          exclude: ['test/cluster/**', 'test/store/**'],
        },
      },
      {
        // The same HTTP tests against PostgreSQL: every test that talks to the server only through its API.
        extends: true,
        test: {
          name: 'postgres',
          include: [
            'test/server/**/*.test.ts',
            'test/reliability/**/*.test.ts',
            'test/cluster/**/*.test.ts',
            'test/store/**/*.test.ts',
          ],
          exclude: SQLITE_ONLY,
          // The fuzz run is the SQLite project's; here a fifth of it shows the same paths hold on PostgreSQL.
          env: { RECEIPTS_TEST_BACKEND: 'postgres', RECEIPTS_FUZZ_REQUESTS: '20000' },
          globalSetup: ['test/support/postgres-cluster.ts'],
        },
      },
    ],
  },
});
