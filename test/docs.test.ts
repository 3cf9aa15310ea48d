/**
 * The generated reference pages (CLI, run file, error codes) match the code: a new flag, schema
 * field or error code without `npm run docs` fails here.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const { renderPages } = require(path.join(ROOT, 'scripts', 'gen-docs.js')) as {
  renderPages(): Record<string, string>;
};

describe('docs/reference (generated)', () => {
  it('is up to date with the CLI, the run file schema and the error catalogue (npm run docs)', () => {
    for (const [file, text] of Object.entries(renderPages())) {
      const abs = path.join(ROOT, file);
      assert.ok(fs.existsSync(abs), `${file} is missing: run npm run docs`);
      assert.equal(fs.readFileSync(abs, 'utf8'), text, `${file} is stale: run npm run docs`);
    }
  });

  it('documents every CLI command and every top-level run file field', () => {
    const pages = renderPages();
    const { createProgram } = require(path.join(ROOT, 'packages/sdk/dist/cli/program.js'));
    for (const c of createProgram().commands as { name(): string }[])
      assert.match(pages['docs/reference/cli.md']!, new RegExp(`^## ${c.name()}$`, 'm'));
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'packages/sdk/schema/tfscale.schema.json'), 'utf8'));
    for (const field of Object.keys(schema.properties).filter((f) => f !== '$schema'))
      assert.match(pages['docs/reference/config.md']!, new RegExp(`^\\| \`${field}\` \\|`, 'm'));
  });

  it('the callback guide lists every hook, in lifecycle order', () => {
    const { CALLBACK_HOOKS } = require(path.join(ROOT, 'packages/sdk/dist/callbacks/callback.js'));
    const page = fs.readFileSync(path.join(ROOT, 'docs/plugins/callbacks.md'), 'utf8');
    const rows = [...page.matchAll(/^\| `(on[A-Za-z]+)` +\|/gm)].map((m) => m[1]);
    assert.deepEqual(rows, [...CALLBACK_HOOKS]);
  });

  it('links only to files that exist', () => {
    const pages = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs'), { recursive: true }).map(String)]
      .filter((f) => f.endsWith('.md'))
      .map((f) => (f === 'README.md' ? path.join(ROOT, f) : path.join(ROOT, 'docs', f)));
    for (const page of pages) {
      for (const [, target] of fs.readFileSync(page, 'utf8').matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        assert.ok(fs.existsSync(path.resolve(path.dirname(page), target!)), `${page} links to missing ${target}`);
      }
    }
  });
});
