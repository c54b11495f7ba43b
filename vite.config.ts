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
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
