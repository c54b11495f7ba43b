// Loaded with `node --import`: reports on stderr each npm package the process imports, as
// "package loaded: <name>", so a test can see what a server pulls in for the configuration it was given.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
    const seen = new Set();
    export async function resolve(specifier, context, next) {
      const r = await next(specifier, context);
      const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(r.url);
      if (m && !seen.has(m[1])) {
        seen.add(m[1]);
        process.stderr.write('package loaded: ' + m[1] + '\\n');
      }
      return r;
    }
  `)}`,
);
