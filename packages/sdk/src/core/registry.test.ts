import assert from 'node:assert/strict';
import { closestMatch } from './did-you-mean';
import { isTfscaleError } from './errors';
import { Registry } from './registry';

describe('core/registry', () => {
  const make = () => {
    const registry = new Registry<number>('strategy');
    registry.register('mirrored', 1, { description: 'local replicas' });
    registry.register('one-device', 2, { plugin: 'tfscale-plugin-one' });
    return registry;
  };

  it('registers, gets and lists entries with their metadata', () => {
    const registry = make();
    assert.equal(registry.get('mirrored'), 1);
    assert.equal(registry.has('one-device'), true);
    assert.equal(registry.has('nope'), false);
    assert.deepEqual(registry.names(), ['mirrored', 'one-device']);
    assert.deepEqual(registry.list(), [
      { name: 'mirrored', value: 1, description: 'local replicas' },
      { name: 'one-device', value: 2, plugin: 'tfscale-plugin-one' },
    ]);
  });

  it('unknown name → TFSCALE_E_REGISTRY_UNKNOWN listing names with a did-you-mean hint', () => {
    assert.throws(
      () => make().get('mirored'),
      (err: unknown) => {
        assert.ok(isTfscaleError(err, 'TFSCALE_E_REGISTRY_UNKNOWN'));
        assert.equal(
          err.message,
          'Unknown strategy "mirored". Available: "mirrored", "one-device".\nHINT: Did you mean "mirrored"?',
        );
        return true;
      },
    );
    assert.throws(
      () => make().get('parameter-server'),
      (err: unknown) => isTfscaleError(err) && err.hint === undefined,
    );
  });

  it('unknown name in an empty registry says none is registered', () => {
    assert.throws(() => new Registry<number>('exporter').get('onnx'), {
      code: 'TFSCALE_E_REGISTRY_UNKNOWN',
      message: 'Unknown exporter "onnx". None is registered.\nHINT: Install or load a plugin that provides one.',
    });
  });

  it('duplicate → TFSCALE_E_REGISTRY_DUPLICATE naming the first plugin and hinting override', () => {
    const registry = make();
    assert.throws(() => registry.forPlugin('tfscale-plugin-two').register('one-device', 3), {
      code: 'TFSCALE_E_REGISTRY_DUPLICATE',
      plugin: 'tfscale-plugin-two',
      message:
        'Plugin "tfscale-plugin-two" cannot register strategy "one-device": that name is already registered by plugin "tfscale-plugin-one".\n' +
        'HINT: Choose another name, or pass { override: true } to replace the existing strategy.',
    });
    assert.throws(() => registry.register('mirrored', 3), /already registered by the SDK or the application/);
    registry.register('mirrored', 4, { override: true });
    assert.equal(registry.get('mirrored'), 4);
  });

  it('forPlugin stamps the plugin name on entries', () => {
    const registry = new Registry<string>('callback');
    registry.forPlugin('tfscale-plugin-hello').register('hello', 'hi', { description: 'greets' });
    assert.deepEqual(registry.entry('hello'), {
      name: 'hello',
      value: 'hi',
      description: 'greets',
      plugin: 'tfscale-plugin-hello',
    });
  });

  it('rejects empty or padded names with TFSCALE_E_INVALID_VALUE', () => {
    assert.throws(() => new Registry<number>('callback').register('', 1), { code: 'TFSCALE_E_INVALID_VALUE' });
    assert.throws(() => new Registry<number>('callback').register(' x', 1), { code: 'TFSCALE_E_INVALID_VALUE' });
  });

  it('unregister removes an entry', () => {
    const registry = make();
    assert.equal(registry.unregister('mirrored'), true);
    assert.equal(registry.unregister('mirrored'), false);
    assert.deepEqual(registry.names(), ['one-device']);
  });

  it('closestMatch ignores case and refuses distant names', () => {
    assert.equal(closestMatch('MIRRORED', ['mirrored']), 'mirrored');
    assert.equal(closestMatch('tpu', ['mirrored', 'one-device']), undefined);
  });
});
