// One config for the widget's library build and for vitest.
import { defineConfig } from 'vitest/config';
import { minifyTemplatesPlugin } from './widget/build/minify-templates.js';

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
      plugins: [minifyTemplatesPlugin()],
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
