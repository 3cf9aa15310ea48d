#!/usr/bin/env node
/**
 * Writes the generated reference pages (docs/reference/{cli,config,errors}.md) from the compiled
 * SDK: `npm run docs`. `--check` writes nothing and exits 1 when a page is stale.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const SDK = path.join(ROOT, 'packages', 'sdk', 'dist');

/** The pages as they should be: `{ 'docs/reference/cli.md': text, ... }`. */
function renderPages() {
  const { renderCliReference, renderConfigReference, renderErrorReference } = require(
    path.join(SDK, 'docs', 'reference.js'),
  );
  const { createProgram } = require(path.join(SDK, 'cli', 'program.js'));
  const { RUN_SCHEMA_FILE } = require(path.join(SDK, 'config', 'emit-schema.js'));
  const read = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
  return {
    'docs/reference/cli.md': renderCliReference(createProgram()),
    'docs/reference/config.md': renderConfigReference(read(RUN_SCHEMA_FILE)),
    'docs/reference/errors.md': renderErrorReference(read(path.join(ROOT, 'docs', 'src', 'troubleshooting.json'))),
  };
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, text] of Object.entries(renderPages())) {
    const abs = path.join(ROOT, file);
    const current = fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : undefined;
    if (current === text) continue;
    if (check) {
      console.error(`${file} is stale: run npm run docs`);
      stale++;
    } else {
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, text);
      console.log(`wrote ${file}`);
    }
  }
  process.exitCode = stale ? 1 : 0;
}

module.exports = { renderPages };
