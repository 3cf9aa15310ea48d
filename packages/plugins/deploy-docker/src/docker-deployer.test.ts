/**
 * The docker target against the real docker client. This machine (and CI) has the client but no
 * engine, so the no-engine path runs for real: the client's own "Cannot connect" message must
 * come through, with the command to run elsewhere. The conformance lifecycle needs an engine (and
 * the tensorflow/serving image): it is skipped only when `docker version` finds no engine.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isTfscaleError, loadTf, writeSavedModel } from '@tfscale/sdk';
import { describeDeployerConformance } from '@tfscale/sdk/testing';
import { dockerEngine } from './docker-cli';
import { dockerRunArgs, formatDockerCommand } from './docker-command';
import { DockerDeployer, dockerDeployerFactory } from './docker-deployer';

const cli = require.resolve('@tfscale/sdk/package.json').replace(/package\.json$/, 'dist/cli/main.js');
const packageDir = path.resolve(__dirname, '..');
const dockerOnPath = spawnSync('docker', ['--version'], { encoding: 'utf8' }).status === 0;

/** A model base with a (placeholder) version folder: enough for every path that fails before Docker runs it. */
function modelBase(): string {
  const base = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-docker-')), 'my half');
  fs.mkdirSync(path.join(base, '1'), { recursive: true });
  return base;
}

/** A socket path no engine listens on: the real client, certainly no engine. */
const nowhere = () => `unix://${path.join(os.tmpdir(), `tfscale-no-docker-${process.pid}.sock`)}`;

describe('plugin-deploy-docker/docker-deployer', function () {
  this.timeout(60_000);

  it('with the real docker client and no engine: coded error with docker’s message and the command to run elsewhere', async function () {
    if (!dockerOnPath) {
      if (process.env.CI === 'true') assert.fail('CI: the docker client is not installed (.ci/run installs it)');
      this.skip();
    }
    const base = modelBase();
    const host = nowhere();
    const deployer = new DockerDeployer({ dockerHost: host });
    await assert.rejects(deployer.deploy({ modelPath: base, modelName: 'half' }), (err: unknown) => {
      assert.ok(isTfscaleError(err, 'TFSCALE_E_DEPLOY_TARGET_UNREACHABLE'), String(err));
      assert.match(err.message, /^No Docker engine is reachable: /);
      assert.ok(err.message.includes(`Cannot connect to the Docker daemon at ${host}`), err.message);
      const command = formatDockerCommand(dockerRunArgs({ modelPath: base, modelName: 'half' }, 'interactive'));
      assert.ok(err.message.includes(`\n  ${command}`), err.message);
      return true;
    });
  });

  it('the real docker client accepts the deployment argv (its failure is the engine, not a flag)', function () {
    if (!dockerOnPath) this.skip();
    const args = dockerRunArgs(
      { modelPath: modelBase(), modelName: 'half', restApiPort: 0, tag: '2.18.0' },
      'detached',
    );
    const r = spawnSync('docker', args, { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: nowhere() } });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /Cannot connect to the Docker daemon/);
    assert.doesNotMatch(r.stderr, /unknown (shorthand )?flag|invalid/i);
  });

  it('with docker absent from PATH: the same coded error, saying the client is missing', async () => {
    const emptyBin = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-empty-path-'));
    const deployer = new DockerDeployer({}, undefined, { ...process.env, PATH: emptyBin });
    await assert.rejects(deployer.deploy({ modelPath: modelBase(), modelName: 'half' }), (err: unknown) => {
      assert.ok(isTfscaleError(err, 'TFSCALE_E_DEPLOY_TARGET_UNREACHABLE'), String(err));
      assert.match(err.message, /the docker CLI \(docker\) is not on the PATH/);
      assert.match(
        err.message,
        /HINT: .*\n {2}docker run -it --rm -p 8500:8500 -p 8501:8501 -v ".*my half:\/models\/half"/,
      );
      return true;
    });
  });

  it('a bad model path or option fails before Docker is asked', async () => {
    const deployer = new DockerDeployer({}, undefined, { PATH: '' });
    await assert.rejects(
      deployer.deploy({ modelPath: '/nonexistent/x', modelName: 'x' }),
      /Invalid value for `modelPath`/,
    );
    assert.throws(() => new DockerDeployer({ restApiPort: 'eighty' }), /Invalid value for `restApiPort`/);
    assert.throws(() => new DockerDeployer({ tag: 'a b' }), /Invalid value for `tag`/);
  });

  it('tfscale deploy --target docker finds the plugin and prints the no-engine error with the command', () => {
    const base = modelBase();
    const r = spawnSync(process.execPath, [cli, 'deploy', base, '--target', 'docker', '--model_name', 'half'], {
      encoding: 'utf8',
      cwd: packageDir,
      env: { ...process.env, DOCKER_HOST: nowhere(), PATH: dockerOnPath ? process.env.PATH : '' },
    });
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, /^TFSCALE_E_DEPLOY_TARGET_UNREACHABLE: No Docker engine is reachable: /m);
    assert.ok(
      r.stderr.includes(formatDockerCommand(dockerRunArgs({ modelPath: base, modelName: 'half' }, 'interactive'))),
      r.stderr,
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  describeDeployerConformance('docker', () => dockerDeployerFactory, {
    options: { restApiPort: 0, grpcPort: 0 },
    makeSpec: async () => {
      // Only reached with an engine: a real SavedModel for tensorflow/serving to load.
      const base = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-docker-model-')), 'half');
      const tf = loadTf();
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
      await writeSavedModel(model, path.join(base, '1'));
      model.dispose();
      return { modelPath: base, modelName: 'half' };
    },
    lifecycleSkipReason: async () => {
      const engine = await dockerEngine();
      return engine.reachable ? undefined : `no Docker engine is reachable here (${engine.reason})`;
    },
  });
});
