/**
 * The static site of a browser deployment: `index.html`, `style.css`, `app.js` (the page script
 * bundled with TF.js by esbuild: one local file, nothing from a CDN) and `model/` (the TF.js
 * export's files). Strict CSP: every source is the site itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The page's Content-Security-Policy: own scripts, styles and fetches only; no inline code, no
 * eval, no plugins, no frames, no form posts.
 *
 * @example
 * ```ts
 * res.setHeader('Content-Security-Policy', PAGE_CSP);
 * ```
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const STYLE = `:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; }
main { max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: 0.25rem; }
#status { color: GrayText; }
fieldset { margin: 1rem 0; border: 1px solid color-mix(in srgb, CanvasText 25%, transparent); border-radius: 6px; }
legend { font-family: ui-monospace, monospace; padding: 0 0.25rem; }
label { display: inline-flex; flex-direction: column; margin: 0.25rem; font-size: 0.75rem; color: GrayText; }
input { width: 6rem; font: inherit; font-size: 0.9rem; }
textarea { width: 100%; box-sizing: border-box; font-family: ui-monospace, monospace; }
button { font: inherit; padding: 0.4rem 1.2rem; }
pre { background: color-mix(in srgb, CanvasText 6%, transparent); padding: 0.75rem; overflow: auto; }
#error { color: #b00020; white-space: pre-wrap; }
`;

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#ff6f00"/><path d="M4 4h8v2H9v6H7V6H4z" fill="#fff"/></svg>
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The page's HTML for a model.
 *
 * @example
 * ```ts
 * fs.writeFileSync('index.html', pageHtml('mnist'));
 * ```
 */
export function pageHtml(modelName: string): string {
  const name = escapeHtml(modelName);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${name} · tfscale</title>
<link rel="icon" href="favicon.svg">
<link rel="stylesheet" href="style.css">
<script defer src="app.js"></script>
</head>
<body data-state="loading" data-model-url="model/model.json">
<main>
<h1>${name}</h1>
<p id="status" role="status">Loading the model…</p>
<form id="form" hidden>
<div id="inputs"></div>
<button id="predict" type="submit">Predict</button>
</form>
<p id="error" role="alert" hidden></p>
<section id="result" hidden>
<h2>Output</h2>
<pre id="output"></pre>
</section>
<noscript>This page runs the model in your browser with JavaScript.</noscript>
</main>
</body>
</html>
`;
}

let bundled: Promise<string> | undefined;

/**
 * `app.js`: the page script and TF.js in one minified IIFE, built once per process with esbuild.
 *
 * @example
 * ```ts
 * fs.writeFileSync('app.js', await pageScript());
 * ```
 */
export function pageScript(): Promise<string> {
  bundled ??= (async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [path.join(__dirname, 'page', 'app.js')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      minify: true,
      write: false,
      logLevel: 'silent',
      // TF.js's licence headers stay, at the end of the file.
      legalComments: 'eof',
      // The only WebAssembly in TF.js's CPU/WebGL build is long.js's optional fast multiply, tried
      // in a try/catch: without it the CSP (no 'wasm-unsafe-eval') stays quiet, and long.js
      // uses its JavaScript path as it would anyway once the CSP refused the module.
      define: { WebAssembly: 'undefined' },
    });
    return result.outputFiles[0].text;
  })();
  bundled.catch(() => {
    bundled = undefined;
  });
  return bundled;
}

/**
 * Writes the site for the TF.js model in `modelDir` into `out` (created; an existing site there
 * is replaced, other files are kept).
 *
 * @example
 * ```ts
 * await writeSite({ modelDir: 'models/mnist/tfjs/1', modelName: 'mnist', out: 'deploy/browser/mnist' });
 * ```
 */
export async function writeSite(options: { modelDir: string; modelName: string; out: string }): Promise<string[]> {
  const { modelDir, modelName, out } = options;
  const script = await pageScript();
  fs.mkdirSync(out, { recursive: true });
  const modelOut = path.join(out, 'model');
  fs.rmSync(modelOut, { recursive: true, force: true });
  fs.cpSync(modelDir, modelOut, { recursive: true, dereference: true });
  fs.writeFileSync(path.join(out, 'index.html'), pageHtml(modelName));
  fs.writeFileSync(path.join(out, 'style.css'), STYLE);
  fs.writeFileSync(path.join(out, 'favicon.svg'), FAVICON);
  fs.writeFileSync(path.join(out, 'app.js'), script);
  return ['index.html', 'style.css', 'favicon.svg', 'app.js', ...fs.readdirSync(modelOut).map((f) => `model/${f}`)];
}
