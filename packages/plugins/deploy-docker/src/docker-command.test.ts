import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dockerRunArgs, formatDockerCommand } from './docker-command';

/** The chapter's command, as printed there, for a model base and name. */
const chapter = (base: string, name: string) =>
  `docker run -it --rm -p 8500:8500 -p 8501:8501 -v "${base}:/models/${name}" -e MODEL_NAME=${name} tensorflow/serving`;

/** The argv a POSIX shell makes of a command line (what docker would receive). */
function shellWords(command: string): string[] {
  const r = spawnSync('sh', ['-c', `set -- ${command}; for a; do printf '%s\\0' "$a"; done`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

describe('plugin-deploy-docker/docker-command', () => {
  for (const base of ['/srv/models/half_plus_two', '/tmp/my models/half']) {
    it(`the foreground command is the chapter's, word for word (${base})`, () => {
      const args = dockerRunArgs({ modelPath: base, modelName: 'half' }, 'interactive');
      assert.equal(formatDockerCommand(args), chapter(base, 'half'));
      // The shell turns the chapter's line into exactly our argv (quoting included).
      assert.deepEqual(['docker', ...args], shellWords(chapter(base, 'half')));
    });
  }

  it('the deployment form is the same command, detached and named', () => {
    const spec = { modelPath: '/srv/models/half', modelName: 'half' };
    const fg = dockerRunArgs(spec, 'interactive');
    const bg = dockerRunArgs(spec, 'detached');
    assert.deepEqual(bg.slice(0, 5), ['run', '-d', '--rm', '--name', 'tfscale-half']);
    assert.deepEqual(bg.slice(5), fg.slice(3));
  });

  it('ports, address, image, tag, GPUs and server flags are configurable', () => {
    const args = dockerRunArgs(
      {
        modelPath: '/m/x',
        modelName: 'x',
        restApiPort: 9501,
        grpcPort: 0,
        host: '127.0.0.1',
        image: 'registry.local/serving',
        tag: 'latest-gpu',
        gpus: 'all',
        serverArgs: ['--enable_batching'],
      },
      'detached',
    );
    assert.equal(
      formatDockerCommand(args),
      'docker run -d --rm --name tfscale-x --gpus all -p 127.0.0.1::8500 -p 127.0.0.1:9501:8501 -v "/m/x:/models/x" -e MODEL_NAME=x registry.local/serving:latest-gpu --enable_batching',
    );
    assert.deepEqual(dockerRunArgs({ modelPath: '/m/x', modelName: 'x', restApiPort: 0 }, 'detached').slice(7, 9), [
      '-p',
      '8501',
    ]);
  });

  it('quotes what a shell would expand', () => {
    const args = dockerRunArgs({ modelPath: '/m/$HOME "q" `x`', modelName: 'x' }, 'interactive');
    assert.deepEqual(shellWords(formatDockerCommand(args)), ['docker', ...args]);
    assert.equal(args[8], '/m/$HOME "q" `x`:/models/x');
  });
});
