// A throwaway workspace with the quickstart run (inside the repo, so the workspace's
// @tfscale/sdk resolves, but under the ignored test-output folder), and one real training run
// shared by the tests that need its outputs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunManager } from '../client/run-manager';
import type { RunRecord } from '../client/run-store';
import type { MetricsEvent } from '../shared/messages';
import { locateSdk, type SdkLocation } from '../shared/sdk-locator';

export const EXT_ROOT = path.resolve(__dirname, '..', '..');
export const REPO = path.resolve(EXT_ROOT, '..', '..');

/** A fresh workspace folder holding `quickstart/tfscale.json` and its data. */
export function makeWorkspace(name: string): string {
  const ws = path.join(EXT_ROOT, 'test-output', 'unit', name);
  fs.rmSync(ws, { recursive: true, force: true });
  fs.cpSync(path.join(REPO, 'examples', 'quickstart', 'tfscale.json'), path.join(ws, 'quickstart', 'tfscale.json'));
  fs.cpSync(path.join(REPO, 'examples', 'data', 'digits'), path.join(ws, 'data', 'digits'), { recursive: true });
  // The run's outputDir (../../runs/quickstart) stays inside the test folder.
  const runFile = path.join(ws, 'quickstart', 'tfscale.json');
  const run = JSON.parse(fs.readFileSync(runFile, 'utf8'));
  run.outputDir = '../runs/quickstart';
  fs.writeFileSync(runFile, JSON.stringify(run, null, 2));
  return ws;
}

export function sdk(folder: string): SdkLocation {
  const found = locateSdk(folder);
  if (!found) throw new Error(`no @tfscale/sdk above ${folder}: run npm install`);
  return found;
}

let trained: Promise<{ ws: string; runs: RunManager; record: RunRecord; events: MetricsEvent[]; output: string[] }>;

/** One 2-epoch training run of the quickstart, made once for every test that reads its outputs. */
export function trainedRun() {
  trained ??= (async () => {
    const ws = makeWorkspace('trained');
    const runs = new RunManager(sdk(ws), ws);
    const events: MetricsEvent[] = [];
    const output: string[] = [];
    const run = runs.start(path.join(ws, 'quickstart', 'tfscale.json'), {
      device: 'auto',
      backend: 'auto',
      epochs: 2,
      onEvents: (e) => events.push(...e),
      onOutput: (l) => output.push(l),
    });
    const record = await run.done;
    if (record.state !== 'done') throw new Error(`training failed:\n${output.join('\n')}`);
    return { ws, runs, record, events, output };
  })();
  return trained;
}
