import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GrpcServing, ModelManager, Servable, ServingTensor } from '../packages/sdk/src/serving';
import { interopPython } from './support/python';
import { serving } from './support/serving';

const { startGrpcServer, servingType } = serving;

/**
 * Python grpcio as a generic client: raw request bytes in, raw response bytes (or the status)
 * out, with grpcio's own compression, metadata and deadlines. argv: address, cases JSON, out JSON.
 */
const CLIENT = `
import base64, json, sys
import grpc
address, cases_path, out_path = sys.argv[1:4]
channel = grpc.insecure_channel(address)
out = []
for case in json.load(open(cases_path)):
    call = channel.unary_unary(case["path"])  # no serializers: bytes on the wire
    kwargs = {"timeout": case.get("timeout", 30)}
    if case.get("gzip"):
        kwargs["compression"] = grpc.Compression.Gzip
    if case.get("token") is not None:
        kwargs["metadata"] = [("authorization", "Bearer " + case["token"])]
    try:
        body = call(base64.b64decode(case["body"]), **kwargs)
        out.append({"code": "OK", "body": base64.b64encode(body).decode()})
    except grpc.RpcError as e:
        out.append({"code": e.code().name, "details": e.details()})
json.dump(out, open(out_path, "w"))
`;

const signature = { key: 'x', name: 'x:0', dtype: 'float32' as const, shape: [-1, 2] };

/** y = 2x; model `slow` answers after 3 s (for deadlines). */
function doubling(delayMs: number): Servable {
  return {
    runtime: 'test',
    signatures: {
      serving_default: {
        methodName: 'tensorflow/serving/predict',
        inputs: [signature],
        outputs: [{ ...signature, key: 'y', name: 'y:0' }],
      },
    },
    async predict(_sig: string, inputs: Record<string, ServingTensor>) {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const x = inputs.x!;
      return { y: { dtype: 'float32', shape: [...x.shape], data: (x.data as Float32Array).map((v) => 2 * v) } };
    },
    dispose() {},
  };
}

const servables: Record<string, Servable> = { double: doubling(0), slow: doubling(3000) };
const manager: ModelManager = {
  modelNames: () => Object.keys(servables),
  status: () => [],
  acquire: (model: string) => ({ version: 1, release: () => {}, servable: servables[model]! }),
};

function predictRequest(model: string, rows: number[][]): string {
  const x = {
    dtype: 1,
    tensor_shape: { dim: [{ size: rows.length }, { size: rows[0]!.length }] },
    float_val: rows.flat(),
  };
  const bytes = servingType('tensorflow.serving.PredictRequest')
    .encode({ model_spec: { name: model }, inputs: { x } })
    .finish();
  return Buffer.from(bytes).toString('base64');
}

describe('gRPC transport with a Python grpcio client: gzip, bearer token, deadline, unknown method', function () {
  this.timeout(120_000);
  const python = interopPython();
  let server: GrpcServing;
  const seen: Array<{ encoding: unknown; flag: number }> = [];

  before(async function () {
    if (!python.path) {
      console.log(`      (skipped: ${python.reason})`);
      return this.skip();
    }
    const probe = spawnSync(python.path, ['-c', 'import grpc'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      if (process.env.CI === 'true') assert.fail(`CI: grpcio missing in the venv: ${probe.stderr}`);
      console.log('      (skipped: pip install grpcio into .venv)');
      return this.skip();
    }
    server = await startGrpcServer({ manager, host: '127.0.0.1', port: 0, authToken: 'tok3n' });
    // What arrived on the wire: grpc-encoding and the frame's compressed flag.
    server.server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
      stream.once('data', (d: Buffer) => seen.push({ encoding: headers['grpc-encoding'], flag: d[0]! }));
    });
  });
  after(async () => {
    await server?.shutdown(1000);
  });

  it('answers grpcio calls as the spec says', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-grpc-py-'));
    const big = Array.from({ length: 500 }, (_, i) => [i, 0.5]); // large enough that grpcio compresses
    const predict = '/tensorflow.serving.PredictionService/Predict';
    const cases = [
      { path: predict, body: predictRequest('double', big), gzip: true, token: 'tok3n' },
      { path: predict, body: predictRequest('double', [[1, 2]]) },
      { path: predict, body: predictRequest('double', [[1, 2]]), token: 'wrong' },
      { path: predict, body: predictRequest('slow', [[1, 2]]), token: 'tok3n', timeout: 0.3 },
      { path: '/tensorflow.serving.PredictionService/Nope', body: '', token: 'tok3n' },
      { path: predict, body: predictRequest('double', [[3, 4]]), token: 'tok3n' },
    ];
    const casesFile = path.join(dir, 'cases.json');
    const outFile = path.join(dir, 'out.json');
    fs.writeFileSync(casesFile, JSON.stringify(cases));
    // Asynchronously: the server answering it lives in this process.
    await new Promise<void>((resolve, reject) =>
      execFile(
        python.path as string,
        ['-c', CLIENT, `127.0.0.1:${server.port}`, casesFile, outFile],
        { timeout: 60_000 },
        (error, _out, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve()),
      ),
    );
    const out = JSON.parse(fs.readFileSync(outFile, 'utf8'));
    const y = (b64: string) =>
      // biome-ignore lint/suspicious/noExplicitAny: decoded message
      (servingType('tensorflow.serving.PredictResponse').decode(Buffer.from(b64, 'base64')) as any).outputs.y.float_val;
    assert.equal(out[0].code, 'OK', JSON.stringify(out[0]));
    assert.deepEqual(
      y(out[0].body),
      big.flat().map((v) => 2 * v),
    );
    assert.deepEqual(seen[0], { encoding: 'gzip', flag: 1 }, 'grpcio sent the request gzip-compressed');
    const unauthenticated =
      'Missing or wrong bearer token: send metadata authorization: Bearer <token> (the server runs with --auth-token).';
    assert.deepEqual(out[1], { code: 'UNAUTHENTICATED', details: unauthenticated });
    assert.deepEqual(out[2], { code: 'UNAUTHENTICATED', details: unauthenticated });
    assert.equal(out[3].code, 'DEADLINE_EXCEEDED');
    assert.deepEqual(out[4], {
      code: 'UNIMPLEMENTED',
      details: 'Method not found: /tensorflow.serving.PredictionService/Nope',
    });
    assert.equal(out[5].code, 'OK');
    assert.deepEqual(y(out[5].body), [6, 8]);
  });
});
