import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadPipelineFile, taskName, upstreamIds } from '@tfscale/sdk/pipeline';
import Ajv from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { interopPython } from './support/python';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'packages', 'sdk', 'dist', 'cli', 'main.js');
const pipelineFile = path.join(repo, 'examples', 'dist', 'pipeline', 'pipeline.js');
const fixtures = path.join(repo, 'test', 'fixtures', 'pipeline');
const script = path.join(repo, 'test', 'interop', 'validate_compiled.py');
const IN_IMAGE = '/app/examples/dist/pipeline/pipeline.js';

describe('tfscale pipeline compile: KFP v2 IR, Argo Workflow, Airflow DAG', function () {
  this.timeout(120_000);
  let tmp = '';
  let python = '';
  const { pipeline } = loadPipelineFile(pipelineFile);
  const expectedDeps = Object.fromEntries(
    pipeline.nodes.map((n) => [taskName(n.id), upstreamIds(n).map(taskName).sort()]),
  );
  const argvOf = (id: string) => ['tfscale', 'pipeline', 'run-component', IN_IMAGE, '--node', id];

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-pipeline-compile-'));
    const found = interopPython();
    python = found.path ?? '';
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const PVC = ['--pvc', 'pipelines:/pipeline'];
  function compile(target: string, ...extra: string[]): string {
    const out = path.join(tmp, `out.${target}`);
    const r = spawnSync(
      process.execPath,
      [
        cli,
        'pipeline',
        'compile',
        pipelineFile,
        '--target',
        target,
        '--out',
        out,
        '--pipeline-file',
        IN_IMAGE,
        ...extra,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    return fs.readFileSync(out, 'utf8');
  }
  const py = (...args: string[]) => spawnSync(python, [script, ...args], { encoding: 'utf8' });

  it('KFP: the IR parses into ml_pipelines.PipelineSpec (KFP’s proto) with the DAG and container executors', function () {
    if (!python) this.skip();
    const ir = parse(compile('kfp')) as Record<string, unknown>;
    const file = path.join(tmp, 'ir.json');
    fs.writeFileSync(file, JSON.stringify(ir));
    const r = py('kfp', file, path.join(fixtures, 'pipeline_spec.proto'));
    assert.equal(r.status, 0, r.stderr);
    const found = JSON.parse(r.stdout) as {
      name: string;
      schema: string;
      tasks: Record<string, { component: string; deps: string[] }>;
      components: Record<string, string>;
      executors: Record<string, { image: string; argv: string[] }>;
    };
    assert.equal(found.name, 'iris');
    assert.equal(found.schema, '2.1.0');
    assert.deepEqual(
      Object.fromEntries(Object.entries(found.tasks).map(([k, t]) => [k, [...t.deps].sort()])),
      expectedDeps,
    );
    for (const node of pipeline.nodes) {
      const task = found.tasks[taskName(node.id)]!;
      const executor = found.executors[found.components[task.component]!]!;
      assert.deepEqual(executor.argv, argvOf(node.id));
      assert.equal(executor.image, pipeline.image);
    }
    // The check can fail: a misspelled field is rejected by the proto's JSON parser.
    const bad = JSON.parse(JSON.stringify(ir).replace('"dependentTasks"', '"dependentTask"'));
    fs.writeFileSync(file, JSON.stringify(bad));
    const rejected = py('kfp', file, path.join(fixtures, 'pipeline_spec.proto'));
    assert.notEqual(rejected.status, 0);
    assert.match(rejected.stderr, /dependentTask/);

    // With a shared volume: the platform document mounts it in every executor.
    const [spec, platform] = parseAllDocuments(compile('kfp', ...PVC)).map((d) => d.toJS());
    fs.writeFileSync(file, JSON.stringify(spec));
    const platformFile = path.join(tmp, 'platform.json');
    fs.writeFileSync(platformFile, JSON.stringify(platform));
    const withPvc = py('kfp', file, path.join(fixtures, 'pipeline_spec.proto'), platformFile);
    assert.equal(withPvc.status, 0, withPvc.stderr);
    const mounted = JSON.parse(withPvc.stdout) as {
      executors: Record<string, { env: Record<string, string> }>;
      platform: Record<string, { pvcMount: Array<{ constant: string; mountPath: string }> }>;
    };
    assert.equal(Object.keys(mounted.platform).length, pipeline.nodes.length);
    for (const [label, e] of Object.entries(mounted.executors)) {
      assert.deepEqual(e.env, { PIPELINE_ROOT: '/pipeline' });
      assert.deepEqual(mounted.platform[label]!.pvcMount, [{ constant: 'pipelines', mountPath: '/pipeline' }]);
    }
  });

  it('Argo: the Workflow validates against Argo’s published JSON schema, with a DAG matching the pipeline', () => {
    const wf = parse(compile('argo')) as {
      spec: {
        entrypoint: string;
        templates: Array<{
          name: string;
          dag?: { tasks: Array<Record<string, unknown>> };
          container?: { args: string[] };
        }>;
      };
    };
    const schema = JSON.parse(fs.readFileSync(path.join(fixtures, 'argo-workflow.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    assert.ok(validate(wf), JSON.stringify(validate.errors));
    const dag = wf.spec.templates.find((t) => t.name === wf.spec.entrypoint)!.dag!;
    const templates = new Set(wf.spec.templates.map((t) => t.name));
    assert.deepEqual(
      Object.fromEntries(dag.tasks.map((t) => [t.name, [...((t.dependencies as string[]) ?? [])].sort()])),
      expectedDeps,
    );
    for (const t of dag.tasks) assert.ok(templates.has(t.template as string));
    for (const node of pipeline.nodes) {
      const tpl = wf.spec.templates.find((t) => t.name === taskName(node.id))!;
      assert.deepEqual(tpl.container!.args, argvOf(node.id).slice(1));
    }
    // The schema can fail: a task without its required name.
    const broken = JSON.parse(JSON.stringify(wf));
    delete broken.spec.templates[0].dag.tasks[0].name;
    assert.equal(validate(broken), false);

    const mounted = parse(compile('argo', ...PVC)) as {
      spec: { volumes: unknown[]; templates: Array<{ container?: { volumeMounts: unknown[]; env: unknown[] } }> };
    };
    assert.ok(validate(mounted), JSON.stringify(validate.errors));
    assert.deepEqual(mounted.spec.volumes, [
      { name: 'pipeline-root', persistentVolumeClaim: { claimName: 'pipelines' } },
    ]);
    const containers = mounted.spec.templates.filter((t) => t.container).map((t) => t.container!);
    assert.equal(containers.length, pipeline.nodes.length);
    for (const c of containers) {
      assert.deepEqual(c.volumeMounts, [{ name: 'pipeline-root', mountPath: '/pipeline' }]);
      assert.deepEqual(c.env, [{ name: 'PIPELINE_ROOT', value: '/pipeline' }]);
    }
  });

  it('Airflow: the DAG file is Python whose tasks and >> edges are the pipeline’s', function () {
    if (!python) this.skip();
    const file = path.join(tmp, 'iris_dag.py');
    fs.writeFileSync(file, compile('airflow'));
    const r = py('airflow', file);
    assert.equal(r.status, 0, r.stderr);
    const found = JSON.parse(r.stdout) as { tasks: Record<string, string[]>; edges: Array<[string, string]> };
    const deps: Record<string, string[]> = Object.fromEntries(Object.keys(found.tasks).map((t) => [t, []]));
    for (const [a, b] of found.edges) deps[b]!.push(a);
    assert.deepEqual(Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, v.sort()])), expectedDeps);
    for (const node of pipeline.nodes) assert.deepEqual(found.tasks[taskName(node.id)], argvOf(node.id));

    fs.writeFileSync(file, compile('airflow', ...PVC));
    const mounted = py('airflow', file);
    assert.equal(mounted.status, 0, mounted.stderr);
    assert.deepEqual((({ pvc, mount_path }) => ({ pvc, mount_path }))(JSON.parse(mounted.stdout)), {
      pvc: 'pipelines',
      mount_path: '/pipeline',
    });
  });

  it('the compiled steps run as separate processes, in DAG order, share the store, and push a model (what each container does)', () => {
    const out = path.join(tmp, 'steps.argo.yaml');
    const r = spawnSync(
      process.execPath,
      [
        cli,
        'pipeline',
        'compile',
        pipelineFile,
        '--target',
        'argo',
        '--out',
        out,
        '--pvc',
        `pipelines:${path.join(tmp, 'shared')}`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const wf = parse(fs.readFileSync(out, 'utf8')) as {
      spec: {
        entrypoint: string;
        templates: Array<{
          name: string;
          dag?: { tasks: Array<{ name: string; dependencies?: string[] }> };
          container?: { command: string[]; args: string[]; env: Array<{ name: string; value: string }> };
        }>;
      };
    };
    const tasks = wf.spec.templates.find((t) => t.name === wf.spec.entrypoint)!.dag!.tasks;
    const done = new Set<string>();
    while (done.size < tasks.length) {
      const ready = tasks.filter((t) => !done.has(t.name) && (t.dependencies ?? []).every((d) => done.has(d)));
      assert.ok(ready.length > 0, 'the DAG has a cycle');
      for (const t of ready) {
        const c = wf.spec.templates.find((x) => x.name === t.name)!.container!;
        assert.deepEqual(c.command, ['tfscale']);
        const env = Object.fromEntries(c.env.map((e) => [e.name, e.value]));
        const step = spawnSync(process.execPath, [cli, ...c.args], {
          encoding: 'utf8',
          env: { ...process.env, ...env, EPOCHS: '30' },
        });
        assert.equal(step.status, 0, `${t.name}: ${step.stdout}\n${step.stderr}`);
        assert.match(step.stdout, /: 1 executed, 0 cached/);
        done.add(t.name);
      }
    }
    assert.deepEqual(fs.readdirSync(path.join(tmp, 'shared', 'serving', 'iris')), ['1']);
  });
});
