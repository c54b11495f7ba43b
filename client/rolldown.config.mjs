// The package's JavaScript: one ES module with jose and standardwebhooks bundled in, so a host installs
// it with no dependencies (and no native build). Types come from tsc (tsconfig.json).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'rolldown';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** The package directory a bundled module came from, or null for our own sources. */
function packageDir(id) {
  const m = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(id);
  return m ? m[1] : null;
}

/** Bundled code keeps its licences: LICENSES.txt lists every package inlined, with its licence text. */
function bundledLicenses() {
  return {
    name: 'bundled-licenses',
    generateBundle(_options, bundle) {
      const dirs = new Set();
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        for (const id of file.moduleIds) {
          const dir = packageDir(id);
          if (dir) dirs.add(dir);
        }
      }
      const sections = [...dirs].sort().map((dir) => {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        const file = readdirSync(dir).find((name) => /^licen[cs]e/i.test(name));
        const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `Licensed under ${pkg.license}.`;
        return `${pkg.name} ${pkg.version} (${pkg.license})\n\n${text}\n`;
      });
      this.emitFile({
        type: 'asset',
        fileName: 'LICENSES.txt',
        source: `This package bundles the following packages.\n\n${sections.join('\n---\n\n')}`,
      });
    },
  };
}

export default defineConfig({
  input: here('./index.ts'),
  platform: 'neutral',
  resolve: { mainFields: ['module', 'main'] },
  plugins: [bundledLicenses()],
  output: {
    dir: here('./dist'),
    entryFileNames: 'index.js',
    format: 'esm',
    sourcemap: true,
    comments: { legal: true, annotation: true, jsdoc: false },
  },
});
