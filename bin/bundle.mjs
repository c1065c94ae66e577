#!/usr/bin/env node
// Bundles the CLI with esbuild (run by `npm run build`). One ESM entry plus lazily loaded chunks:
// startup reads a handful of files instead of hundreds of modules, and heavy dependencies
// (yaml, the lock, later ssh2) stay in chunks that only the commands needing them load.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

/**
 * dockerode loads ssh2 (for ssh:// daemons) and grpc/protobufjs (for BuildKit sessions) at the top of
 * its modules; renet only speaks to local unix sockets and never builds, and those ~650 KB would
 * double renet's start time on every SSH command. They are replaced by a stub that throws if called.
 */
function unusedByRenet() {
  return {
    name: 'unused-by-renet',
    setup(b) {
      b.onResolve({ filter: /^(ssh2|@grpc\/grpc-js|@grpc\/proto-loader)$/ }, (args) => ({ path: args.path, namespace: 'unused' }));
      b.onLoad({ filter: /.*/, namespace: 'unused' }, (args) => ({
        contents: `const unavailable = () => { throw new Error('renet does not include ${args.path}'); };
module.exports = new Proxy({}, { get: () => unavailable });`,
        loader: 'js',
      }));
    },
  };
}

const outdir = new URL('../dist/bundle/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });

// renet: one CommonJS file for the server, Node >= 18, no install step. ssh2's optional native
// addons (pulled in through docker-modem) stay out; ssh2 falls back to pure JS without them.
await build({
  entryPoints: [new URL('./renet.js', import.meta.url).pathname],
  outfile: new URL('../dist/renet/renet.cjs', import.meta.url).pathname,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  minify: true,
  keepNames: true,
  external: ['*.node'],
  logLevel: 'warning',
  plugins: [unusedByRenet()],
});

await build({
  entryPoints: [new URL('../src/rdc/cli.ts', import.meta.url).pathname],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  // Loaded from node_modules at run time (only by the commands that connect), with their native addons.
  external: ['ssh2', 'ssh-config', 'cloudflare'],
  // CommonJS dependencies bundled into ESM still expect require, __filename and __dirname.
  banner: {
    js: [
      "import { createRequire as __rdcRequire } from 'node:module';",
      "import { fileURLToPath as __rdcPath } from 'node:url';",
      'const require = __rdcRequire(import.meta.url);',
      'const __filename = __rdcPath(import.meta.url);',
      "const __dirname = __rdcPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
});
