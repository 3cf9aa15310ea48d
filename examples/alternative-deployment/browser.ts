/**
 * `tfscale deploy --target browser` as a child process: the TF.js export becomes a static page
 * served on 127.0.0.1 until SIGTERM.
 */
import { spawn } from 'node:child_process';
import { TFSCALE } from '../support/cli';

/** What the deployed site served, and how the deployer exited. */
export interface BrowserDeployment {
  url: string;
  pageTitle: string;
  /** The model files the page loads, as served. */
  modelJson: { format?: string; modelTopology?: unknown; weightsManifest: { paths: string[] }[] };
  weightBytes: number;
  csp: string | null;
  exitCode: number | null;
}

/**
 * Deploys `base` (a model base holding `tfjs/<version>`) to the browser target, fetches the page and
 * the model it loads, then stops the deployer with SIGTERM.
 * @example
 *   const site = await deployToBrowser('runs/x/models/digits', 'runs/x/site');
 */
export async function deployToBrowser(base: string, out: string): Promise<BrowserDeployment> {
  const args = ['deploy', base, '--target', 'browser', '--rest_api_port', '0', '--out', out];
  console.log(`$ npx tfscale ${args.join(' ')} &`);
  const child = spawn(process.execPath, [TFSCALE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (d: Buffer) => {
        output += d.toString();
        const page = /^\s*page\s+(\S+)/m.exec(output);
        if (page && /Ctrl-C stops it/.test(output)) resolve(page[1]!);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`tfscale deploy exited (${code}):\n${output}`)));
    });
    const page = await fetch(url);
    const html = await page.text();
    if (!page.ok) throw new Error(`${url}: HTTP ${page.status}`);
    const root = url.endsWith('/') ? url : `${url.replace(/\/[^/]*$/, '')}/`;
    const modelJson = (await (await fetch(new URL('model/model.json', root))).json()) as BrowserDeployment['modelJson'];
    let weightBytes = 0;
    for (const p of modelJson.weightsManifest.flatMap((g) => g.paths)) {
      const res = await fetch(new URL(`model/${p}`, root));
      if (!res.ok) throw new Error(`weights ${p}: HTTP ${res.status}`);
      weightBytes += (await res.arrayBuffer()).byteLength;
    }
    console.log(`page ${url}: "${/<title>([^<]*)<\/title>/.exec(html)?.[1]}", model ${weightBytes} weight bytes`);
    child.kill('SIGTERM');
    const exitCode = await new Promise<number | null>((resolve) =>
      child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve),
    );
    return {
      url,
      pageTitle: /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '',
      modelJson,
      weightBytes,
      csp: page.headers.get('content-security-policy'),
      exitCode,
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
