// One config for the widget's library build and for vitest.
import { defineConfig } from 'vitest/config';

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
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
