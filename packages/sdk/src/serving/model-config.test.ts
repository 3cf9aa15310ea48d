import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseModelServerConfig, readModelConfigFile, singleModelConfig } from './model-config';
import { parseTextProto, TextProtoSyntaxError } from './model-config-text';
import { validateModelServerConfig } from './model-config-validate';
import { tempDir } from './model-testing.test';
import { ServingError } from './types';

const RUNTIMES = ['savedmodel', 'tfjs'];

function syntaxError(text: string): TextProtoSyntaxError {
  try {
    parseModelServerConfig(text, 'models.config');
  } catch (err) {
    assert.ok(err instanceof TextProtoSyntaxError, String(err));
    return err;
  }
  assert.fail('parsed');
}

function servingError(fn: () => unknown): ServingError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ServingError, String(err));
    return err;
  }
  assert.fail('no error');
}

describe('serving/model-config: the --model_config_file text format', () => {
  it("parses TF Serving's documented example (policies, repeated versions, labels)", () => {
    const config = parseModelServerConfig(`
      model_config_list {
        config { name: 'm' base_path: '/models/m' model_platform: 'tensorflow'
                 model_version_policy { specific { versions: 42 versions: 43 } }
                 version_labels { key: 'stable' value: 42 } version_labels { key: 'canary' value: 43 } } }`);
    assert.deepEqual(config, {
      modelConfigList: {
        config: [
          {
            name: 'm',
            basePath: '/models/m',
            modelPlatform: 'tensorflow',
            modelVersionPolicy: { specific: { versions: [42, 43] } },
            versionLabels: { stable: 42, canary: 43 },
          },
        ],
      },
    });
  });

  it('takes comments, double quotes, string concatenation, <> messages, lists, separators and escapes', () => {
    const config = parseModelServerConfig(`# two models
      model_config_list: {
        config: [{ name: "a" base_path: "/m/" 'a' model_version_policy: < latest: { num_versions: 2 } > },
                 { name: "b\\x41\\101\\n", base_path: "/m/b"; model_version_policy { all {} } }]
        config { name: "c" base_path: "/m/c" model_version_policy { specific { versions: [1, 0x10, 010] } } } # end
        config { name: "d" base_path: "/m/d" model_type: TENSORFLOW logging_config { sampling_config { sampling_rate: 0.5 } } }
      }`);
    const [a, b, c, d] = config.modelConfigList!.config!;
    assert.deepEqual(a, { name: 'a', basePath: '/m/a', modelVersionPolicy: { latest: { numVersions: 2 } } });
    assert.deepEqual(b, { name: 'bAA\n', basePath: '/m/b', modelVersionPolicy: { all: {} } });
    assert.deepEqual(c!.modelVersionPolicy, { specific: { versions: [1, 16, 8] } });
    assert.deepEqual(d, {
      name: 'd',
      basePath: '/m/d',
      modelType: 'TENSORFLOW',
      loggingConfig: { samplingConfig: { samplingRate: 0.5 } },
    });
  });

  it('reports errors with 1-based line:column and protobuf TextFormat wording', () => {
    const cases: Array<[string, number, number, string]> = [
      [
        'model_config_list {\n  config { nme: "m" }\n}',
        2,
        12,
        'Message type "tensorflow.serving.ModelConfig" has no field named "nme".',
      ],
      [
        'model_config_list { config { name: "a" name: "b" } }',
        1,
        40,
        'Non-repeated field "name" is specified multiple times.',
      ],
      [
        'model_config_list { config { model_version_policy { latest {} all {} } } }',
        1,
        63,
        'Field "all" is specified along with field "latest", another member of oneof "policy_choice".',
      ],
      ['model_config_list { config { name: 5 } }', 1, 36, 'Expected string, got: 5'],
      ['model_config_list { config { name "m" } }', 1, 35, 'Expected ":", found ""m"".'],
      [
        'model_config_list { config { model_version_policy { latest { num_versions: -1 } } } }',
        1,
        76,
        'Integer out of range (-1)',
      ],
      ['model_config_list { config { version_labels { key: "a" value: x } } }', 1, 63, 'Expected integer, got: x'],
      ['model_config_list { config { name: "m\n" } }', 1, 36, 'Multiline strings are not allowed. Did you miss a "?'],
      ['model_config_list {\n  config { name: "m" }\n', 3, 1, 'Expected "}", found "".'],
      [
        'model_config_list { config { model_type: PYTORCH } }',
        1,
        42,
        'Unknown enumeration value of "PYTORCH" for field.',
      ],
    ];
    for (const [text, line, column, detail] of cases) {
      const err = syntaxError(text);
      assert.deepEqual([err.line, err.column, err.detail], [line, column, detail], text);
      assert.match(
        err.message,
        new RegExp(
          `^Error parsing text-format tensorflow\\.serving\\.ModelServerConfig: models\\.config:${line}:${column}: `,
        ),
      );
      assert.equal(err.code, 'TFSCALE_E_INVALID_VALUE');
    }
  });

  it('parses booleans, doubles and signed integers for other schemas (monitoring, batching files)', () => {
    const schema = {
      name: 'test.Flags',
      fields: {
        enable: { kind: 'bool' as const },
        rate: { kind: 'double' as const },
        delta: { kind: 'int32' as const },
      },
    };
    assert.deepEqual(parseTextProto('enable: true rate: -1.5e2 delta: -7', schema), {
      enable: true,
      rate: -150,
      delta: -7,
    });
    assert.deepEqual(parseTextProto('enable: f rate: inf', schema), { enable: false, rate: Number.POSITIVE_INFINITY });
    assert.deepEqual(parseTextProto('enable: 1', schema), { enable: true });
    for (const bad of ['enable: yes', 'enable: toString', 'delta: 2147483648']) {
      assert.throws(() => parseTextProto(bad, schema, 'flags'), TextProtoSyntaxError, bad);
    }
  });

  it('reads a config file, resolving relative base paths against its folder', async () => {
    const { dir, cleanup } = tempDir('config');
    try {
      const file = path.join(dir, 'models.config');
      fs.writeFileSync(
        file,
        `model_config_list { config { name: 'r' base_path: 'models/r' } config { name: 'a' base_path: '/abs' } }`,
      );
      const config = await readModelConfigFile(file);
      assert.deepEqual(
        config.modelConfigList!.config!.map((m) => m.basePath),
        [path.join(dir, 'models/r'), '/abs'],
      );
      await assert.rejects(readModelConfigFile(path.join(dir, 'missing.config')), /Cannot read --model_config_file/);
    } finally {
      cleanup();
    }
  });

  it('makes the --model_name/--model_base_path config with an absolute path', () => {
    assert.deepEqual(singleModelConfig('half', 'models/half'), {
      modelConfigList: {
        config: [{ name: 'half', basePath: path.resolve('models/half'), modelPlatform: 'tensorflow' }],
      },
    });
  });
});

describe("serving/model-config validation: ServerCore's rules and messages", () => {
  const list = (...config: object[]) =>
    ({ modelConfigList: { config } }) as Parameters<typeof validateModelServerConfig>[0];

  it('resolves platforms and normalises file:// base paths', () => {
    const models = validateModelServerConfig(
      list({ name: 'a', basePath: 'file:///m/a/' }, { name: 'b', basePath: '/m/b', modelPlatform: 'tfjs' }),
      undefined,
      RUNTIMES,
    );
    assert.deepEqual(
      models!.map((m) => [m.name, m.basePath, m.platform]),
      [
        ['a', '/m/a/', 'tensorflow'],
        ['b', '/m/b', 'tfjs'],
      ],
    );
    assert.equal(validateModelServerConfig({}, undefined, RUNTIMES), undefined);
  });

  it("refuses what TF Serving refuses, with TF Serving's messages", () => {
    const cases: Array<[Parameters<typeof validateModelServerConfig>[0], string, string]> = [
      [
        list({ name: 'a', basePath: '/a' }, { name: 'a', basePath: '/b' }),
        'INVALID_ARGUMENT',
        'Illegal to list model a multiple times in config list',
      ],
      [
        list({ name: 'a', basePath: 'rel/a' }),
        'INVALID_ARGUMENT',
        'Expected model a to have an absolute path or URI; got base_path()=rel/a',
      ],
      [
        list({ name: 'a', basePath: '/a', modelPlatform: 'pytorch' }),
        'INVALID_ARGUMENT',
        'Model a requests unsupported platform pytorch',
      ],
      [
        list({ name: 'a', basePath: '/a', modelPlatform: 'tensorflow', modelType: 'TENSORFLOW' }),
        'INVALID_ARGUMENT',
        'Illegal setting both ModelServerConfig::model_type (deprecated) and ModelServerConfig::model_platform.',
      ],
      [{ customModelConfig: {} }, 'INVALID_ARGUMENT', 'Missing custom_model_config_loader in ServerCore Options'],
    ];
    for (const [config, code, message] of cases) {
      const err = servingError(() => validateModelServerConfig(config, undefined, RUNTIMES));
      assert.deepEqual([err.code, err.message], [code, message]);
    }
    const change = servingError(() =>
      validateModelServerConfig(
        list({ name: 'a', basePath: '/a', modelPlatform: 'tfjs' }),
        list({ name: 'a', basePath: '/a' }),
        RUNTIMES,
      ),
    );
    assert.equal(
      change.message,
      "Illegal to change a model's platform. For model a platform was tensorflow and new platform requested is tfjs",
    );
    const transition = servingError(() => validateModelServerConfig({ customModelConfig: {} }, list(), RUNTIMES));
    assert.equal(transition.code, 'FAILED_PRECONDITION');
  });

  it('refuses model names that could leave a path, and labels outside [a-zA-Z0-9_]+', () => {
    for (const name of ['', '../etc', 'a/b', 'a\\b', 'nul\0', '..']) {
      const err = servingError(() => validateModelServerConfig(list({ name, basePath: '/a' }), undefined, RUNTIMES));
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.equal(
        err.message,
        `Invalid model name ${JSON.stringify(name)}: a model name must be non-empty and contain no "/", "\\", ".." or NUL.`,
      );
    }
    for (const label of ['bad-label', 'a/b', '..', '']) {
      const err = servingError(() =>
        validateModelServerConfig(
          list({ name: 'a', basePath: '/a', versionLabels: { [label]: 1 } }),
          undefined,
          RUNTIMES,
        ),
      );
      assert.equal(
        err.message,
        `Invalid version label ${JSON.stringify(label)} for model a: labels must match [a-zA-Z0-9_]+.`,
      );
    }
  });
});
