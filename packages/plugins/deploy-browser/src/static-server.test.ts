import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { type StaticServer, serveStatic } from './static-server';

/** A raw GET: fetch() would normalise `..` away before sending. */
function get(port: number, rawPath: string, method = 'GET') {
  return new Promise<{ status: number; type?: string; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: rawPath, method }, (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], headers: res.headers, body }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('plugin-deploy-browser/static-server', () => {
  let dir: string;
  let site: string;
  let server: StaticServer;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-static-'));
    site = path.join(dir, 'site');
    fs.mkdirSync(path.join(site, 'model'), { recursive: true });
    fs.writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>t</title>');
    fs.writeFileSync(path.join(site, 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(site, 'model', 'model.json'), '{}');
    fs.writeFileSync(path.join(site, 'model', 'group1-shard1of1.bin'), Buffer.from([1, 2, 3]));
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside');
    fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(site, 'link.txt'));
    server = await serveStatic(site, { port: 0, headers: { 'Content-Security-Policy': "default-src 'self'" } });
  });

  after(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves files with their content types and the given headers', async () => {
    const cases: [string, string, string][] = [
      ['/', 'text/html; charset=utf-8', '<!doctype html><title>t</title>'],
      ['/app.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
      ['/model/model.json', 'application/json; charset=utf-8', '{}'],
      ['/model/group1-shard1of1.bin?cache=1', 'application/octet-stream', '\u0001\u0002\u0003'],
    ];
    for (const [p, type, body] of cases) {
      const r = await get(server.port, p);
      assert.equal(r.status, 200, p);
      assert.equal(r.type, type, p);
      assert.equal(r.body, body, p);
      assert.equal(r.headers['content-security-policy'], "default-src 'self'");
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
    }
    const head = await get(server.port, '/app.js', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], '14');
    assert.equal(head.body, '');
  });

  it('nothing outside the root: .., encoded separators, NUL, symlinks out', async () => {
    for (const p of [
      '/../secret.txt',
      '/model/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/model/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/index.html%00.js',
      '/link.txt',
      '/missing.js',
      '/model/',
    ]) {
      const r = await get(server.port, p);
      assert.equal(r.status, 404, `${p} answered ${r.status}: ${r.body}`);
      assert.ok(!r.body.includes('outside'), p);
    }
    assert.equal((await get(server.port, '/', 'POST')).status, 405);
  });

  it('close() stops it, twice is fine', async () => {
    const other = await serveStatic(site);
    assert.ok(other.listening);
    await other.close();
    await other.close();
    assert.equal(other.listening, false);
    await assert.rejects(fetch(other.url));
  });
});
