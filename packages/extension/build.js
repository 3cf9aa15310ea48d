// Bundles the extension with esbuild (no decorator metadata: the SDK injects by explicit tokens).

const path = require('node:path');
const esbuild = require('esbuild');

esbuild
  .build({
    entryPoints: [path.join(__dirname, 'src', 'extension.ts')],
    outfile: path.join(__dirname, 'dist', 'extension.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    external: ['vscode'],
    logLevel: 'warning',
  })
  .catch(() => {
    process.exitCode = 1;
  });
