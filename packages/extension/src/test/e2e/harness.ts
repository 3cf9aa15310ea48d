import { type ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { type BrowserContext, chromium, type FrameLocator, type Page } from 'playwright-core';

/** packages/extension */
export const EXT_ROOT = path.resolve(__dirname, '..', '..', '..');
export const OUT = path.join(EXT_ROOT, 'test-output');
export const CODE_SERVER = path.join(EXT_ROOT, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');
export const CHROMIUM = '/usr/bin/chromium';

/** Why the e2e prerequisites are missing, or undefined when they are all there. */
export function missingPrerequisites(): string | undefined {
  const missing = [CODE_SERVER, CHROMIUM].filter((p) => !fs.existsSync(p));
  if (missing.length === 0) return undefined;
  return `missing ${missing.join(' and ')}: run .ci/run (or packages/extension/scripts/setup-e2e.sh) to install code-server 4.100.3 and Chromium`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Builds the .vsix with vsce (the esbuild bundle, no node_modules) and returns its path. */
export async function packageVsix(): Promise<string> {
  const out = path.join(OUT, 'tfscale-vscode.vsix');
  fs.mkdirSync(OUT, { recursive: true });
  const vsce = require.resolve('@vscode/vsce/vsce');
  await promisify(execFile)(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--out', out], {
    cwd: EXT_ROOT,
  });
  return out;
}

/** A code-server with isolated state, the extension installed from the .vsix, and a browser on it. */
export class Workbench {
  page!: Page;
  url!: string;
  #server: ChildProcess | undefined;
  #browser: BrowserContext | undefined;
  readonly logs: string[] = [];
  #env: NodeJS.ProcessEnv = {};
  shot = 0;

  constructor(
    readonly workspace: string,
    readonly settings: Record<string, unknown>,
  ) {}

  async start(vsix: string): Promise<void> {
    const state = path.join(OUT, 'state');
    fs.rmSync(state, { recursive: true, force: true });
    fs.rmSync(path.join(OUT, 'screenshots'), { recursive: true, force: true });
    const dirs = ['tmp', 'config', 'data', 'cache', 'user-data/User', 'extensions', 'chromium'].map((d) =>
      path.join(state, d),
    );
    for (const d of dirs) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(state, 'user-data/User/settings.json'), JSON.stringify(this.settings, null, 2));
    fs.writeFileSync(path.join(state, 'config.yaml'), 'auth: none\n');
    const env = {
      ...process.env,
      TMPDIR: path.join(state, 'tmp'),
      XDG_CONFIG_HOME: path.join(state, 'config'),
      XDG_DATA_HOME: path.join(state, 'data'),
      XDG_CACHE_HOME: path.join(state, 'cache'),
      // Local deployments (Serve Model) record themselves here; stop() ends them.
      TFSCALE_STATE_DIR: path.join(state, 'tfscale'),
    };
    this.#env = env;
    const common = [
      '--config',
      path.join(state, 'config.yaml'),
      '--user-data-dir',
      path.join(state, 'user-data'),
      '--extensions-dir',
      path.join(state, 'extensions'),
    ];
    await promisify(execFile)(CODE_SERVER, [...common, '--install-extension', vsix], { env });
    const port = await freePort();
    this.#server = spawn(
      CODE_SERVER,
      [
        ...common,
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--auth',
        'none',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        this.workspace,
      ],
      { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const log = (b: Buffer) => this.logs.push(b.toString());
    this.#server.stdout?.on('data', log);
    this.#server.stderr?.on('data', log);
    this.url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${this.url}/healthz`).catch(() => undefined))?.ok === true, 30_000);
    this.#browser = await chromium.launchPersistentContext(path.join(state, 'chromium'), {
      executablePath: CHROMIUM,
      viewport: { width: 1600, height: 1000 },
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    this.page = this.#browser.pages()[0] ?? (await this.#browser.newPage());
    await this.open();
  }

  /** Loads (or reloads) the workbench and waits for our status-bar item. */
  async open(): Promise<void> {
    await this.page.goto(`${this.url}/?folder=${encodeURIComponent(this.workspace)}`);
    await this.page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 60_000 });
    await this.statusItem(/tfscale:/, 60_000);
  }

  /**
   * Reloads the window the way a user does (Developer: Reload Window): VS Code flushes its state
   * (open editors, webview state) first; a bare page reload can lose that write.
   */
  async reload(): Promise<void> {
    const navigated = this.page.waitForEvent('framenavigated', {
      predicate: (frame) => frame === this.page.mainFrame(),
      timeout: 60_000,
    });
    await this.command('Developer: Reload Window');
    await navigated;
    await this.page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 60_000 });
    await this.statusItem(/tfscale:/, 60_000);
  }

  /** The status-bar item whose text matches, once it shows. */
  async statusItem(text: RegExp, timeout = 30_000): Promise<string> {
    const item = this.page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
    await item.waitFor({ timeout });
    return ((await item.textContent()) ?? '').trim();
  }

  /** Runs a command from the palette by its title (retrying: the palette can open too early). */
  async command(title: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('F1');
      const input = this.page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ timeout: 10_000 });
      await input.fill(`>${title}`);
      const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      try {
        await row.waitFor({ timeout: 5_000 });
        await this.page.keyboard.press('Enter');
        return;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  }

  /** Waits for a quick pick whose rows include `text`, and returns every row's text. */
  async quickPickRows(text: RegExp, timeout = 60_000): Promise<string[]> {
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor({ timeout });
    return this.page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
  }

  /** Filters the open quick pick and accepts the first row. */
  async pick(filter: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.fill(filter);
    await this.page.locator('.quick-input-list .monaco-list-row').first().waitFor();
    await this.page.keyboard.press('Enter');
  }

  /** The webview's content frame (two iframes deep); `title` picks the editor tab's webview. */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  async screenshot(name: string): Promise<string> {
    const file = path.join(OUT, 'screenshots', `${String(++this.shot).padStart(2, '0')}-${name}.png`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Ends the detached model servers Serve Model started (they outlive code-server by design). */
  async #stopDeployments(): Promise<void> {
    const dir = path.join(String(this.#env.TFSCALE_STATE_DIR ?? ''), 'deployments');
    if (!this.#env.TFSCALE_STATE_DIR || !fs.existsSync(dir)) return;
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      const { pid } = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { pid: number };
      try {
        process.kill(-pid, 'SIGTERM'); // its own process group
      } catch {
        // already gone
      }
    }
  }

  async stop(): Promise<void> {
    await this.#browser?.close().catch(() => undefined);
    await this.#stopDeployments();
    const pid = this.#server?.pid;
    if (pid) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((r) => setTimeout(r, 500));
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

/** Polls `check` until it is true (or throws after `timeoutMs`). */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
