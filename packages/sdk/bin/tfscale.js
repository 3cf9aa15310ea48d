#!/usr/bin/env node
// Committed entry for the `tfscale` bin. npm links a bin only when its file exists at install time,
// and dist/ is built after `npm ci` in a fresh clone, so pointing the bin at dist/ left no `npx tfscale`.
const fs = require('node:fs');
const path = require('node:path');

const main = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!fs.existsSync(main)) {
  console.error(`tfscale: the SDK is not built yet (${main} is missing).`);
  console.error('HINT: run `npm run build` in the repository root (`npm start` builds too), then try again.');
  process.exit(1);
}
require(main);
