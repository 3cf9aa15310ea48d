import { execFile } from 'node:child_process';
import type { SdkLocation } from '../shared/sdk-locator';

/**
 * Runs the workspace's `tfscale` CLI with Node and returns its stdout; rejects with its stderr.
 * @example
 *   const text = await runCli(sdk, folder, ['devices', '--json']);
 */
export function runCli(sdk: SdkLocation, cwd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [sdk.cli, ...args],
      { cwd, maxBuffer: 16 << 20, env: { ...process.env, ...env } },
      (err, stdout, stderr) => {
        if (err) reject(new Error(lastLines(stderr) || err.message));
        else resolve(stdout);
      },
    );
  });
}

/**
 * Runs a CLI command with `--json` output and parses it.
 * @example
 *   const report = await runCliJson<DoctorReport>(sdk, folder, ['doctor', '--json']);
 */
export async function runCliJson<T>(sdk: SdkLocation, cwd: string, args: string[]): Promise<T> {
  const out = await runCli(sdk, cwd, args);
  const start = out.indexOf('{');
  if (start < 0) throw new Error(`tfscale ${args.join(' ')} printed no JSON`);
  return JSON.parse(out.slice(start)) as T;
}

/**
 * The useful end of a CLI's stderr (TensorFlow's start-up noise comes first).
 * @example
 *   lastLines(stderr); // 'Error: ...' without TensorFlow's start-up lines
 */
export function lastLines(text: string, count = 6): string {
  return text
    .split('\n')
    .filter((l) => l.trim() && !/^(I0000|W0000|WARNING: All log messages)/.test(l))
    .slice(-count)
    .join('\n')
    .trim();
}
