// What ships: the .vsix holds our bundles and nothing of TensorFlow (the workspace's SDK is used),
// and the metrics page loads only its own bundled script and styles, under a strict CSP.
import './vscode-stub';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { metricsHtml } from '../client/metrics-panel';
import { EXT_ROOT } from './fixtures';

describe('extension package', () => {
  it('the .vsix holds the bundles only: no node_modules, no native addons, no TensorFlow', () => {
    const vsce = require.resolve('@vscode/vsce/vsce');
    const files = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: EXT_ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .sort();
    assert.deepEqual(files, [
      'README.md',
      'dist/extension.js',
      'dist/server.js',
      'dist/webview/metrics.css',
      'dist/webview/metrics.js',
      'dist/webview/uPlot.min.css',
      'media/tfscale.svg',
      'package.json',
    ]);
    for (const bundle of ['dist/extension.js', 'dist/server.js', 'dist/webview/metrics.js']) {
      const text = fs.readFileSync(path.join(EXT_ROOT, bundle), 'utf8');
      assert.doesNotMatch(text, /@tensorflow\/tfjs|tfjs_binding|libtensorflow/, `${bundle} bundles TensorFlow`);
    }
    // uPlot is inside the webview bundle, not fetched from a CDN.
    assert.match(fs.readFileSync(path.join(EXT_ROOT, 'dist/webview/metrics.js'), 'utf8'), /uplot/i);
  });

  it('the metrics page: CSP default-src none, our script by nonce, assets only from the webview origin', () => {
    const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
    const webview = {
      cspSource,
      asWebviewUri: (u: vscode.Uri) => `${cspSource}${u.fsPath}`,
    } as unknown as vscode.Webview;
    const html = metricsHtml(webview, vscode.Uri.file(EXT_ROOT));
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1] ?? '';
    assert.match(csp, /^default-src 'none';/);
    const nonce = csp.match(/script-src 'nonce-([^']+)'/)?.[1];
    assert.ok(nonce && nonce.length >= 16);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    const scripts = [...html.matchAll(/<script ([^>]*)>/g)].map((m) => m[1]);
    assert.deepEqual(scripts, [`nonce="${nonce}" src="${cspSource}${path.join(EXT_ROOT, 'dist/webview/metrics.js')}"`]);
    for (const url of html.match(/(?:src|href)="([^"]+)"/g) ?? []) assert.ok(url.includes(cspSource), url);
    assert.notEqual(metricsHtml(webview, vscode.Uri.file(EXT_ROOT)).match(/nonce-([^']+)/)?.[1], nonce, 'fresh nonce');
  });
});
