#!/usr/bin/env node
// Runs every compiled test (`*.test.js` under dist/) with mocha and ends with the line CI counts.

const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const root = path.resolve(__dirname, '..', '..');
const roots = ['packages/sdk/dist', 'packages/extension/dist-test', 'test/dist'];
for (const dir of fs.existsSync(path.join(root, 'packages/plugins'))
  ? fs.readdirSync(path.join(root, 'packages/plugins'))
  : []) {
  roots.push(`packages/plugins/${dir}/dist`);
}

function collect(dir, out) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) collect(p, out);
    else if (entry.name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const grep = process.argv.slice(2);
const files = roots
  .flatMap((r) => collect(path.join(root, r), []))
  .filter((f) => grep.length === 0 || grep.some((g) => f.includes(g)))
  .sort();

// Every test runs on the backend a user would get (native when built); a test that switches
// backends to check one does not leak that choice into the next test.
let expected;
const sdk = () => require(path.join(root, 'packages/sdk/dist'));
const rootHooks = {
  async beforeAll() {
    const { createSdkContainer, selectBackend, BackendRegistryToken } = sdk();
    const { backend } = await selectBackend(createSdkContainer().resolve(BackendRegistryToken));
    expected = backend.tfjsBackend;
    console.log(`tests run on the ${backend.name} backend`);
  },
  async beforeEach() {
    const tf = require('@tensorflow/tfjs');
    if (expected && tf.getBackend() !== expected) await tf.setBackend(expected);
  },
};

const mocha = new Mocha({ reporter: 'spec', timeout: 120_000, slow: 5_000, rootHooks });
for (const f of files) mocha.addFile(f);
const runner = mocha.run((failures) => {
  const { stats } = runner;
  console.log(`\n${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped`);
  process.exitCode = failures > 0 || stats.passes === 0 ? 1 : 0;
});
