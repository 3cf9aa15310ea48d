import assert from 'node:assert/strict';
import { normalizeScheme, parseScheme, requireScheme, SchemeRouter } from './scheme-router';

describe('core/scheme-router', () => {
  it('parses and normalises schemes', () => {
    assert.equal(parseScheme('GS://bucket/model'), 'gs://');
    assert.equal(parseScheme('models/mnist'), undefined);
    assert.equal(parseScheme('C:\\models\\mnist'), undefined);
    assert.equal(normalizeScheme('file'), 'file://');
    assert.equal(normalizeScheme('HTTPS:'), 'https://');
    assert.throws(() => normalizeScheme('not a scheme'), { code: 'TFSCALE_E_INVALID_VALUE' });
  });

  it('routes by scheme, plain paths as file://', () => {
    const router = new SchemeRouter<string>('model store');
    router.add('local', ['file://'], 'L');
    router.add('gcs', ['gs'], 'G', { plugin: 'tfscale-plugin-gcs' });
    assert.equal(router.route('gs://b/m').value, 'G');
    assert.equal(router.route('gs://b/m').plugin, 'tfscale-plugin-gcs');
    assert.equal(router.route('models/mnist').name, 'local');
    assert.deepEqual(router.schemes(), ['file://', 'gs://']);
  });

  it('detects a conflicting scheme at registration, naming both handlers', () => {
    const router = new SchemeRouter<string>('model store');
    router.add('gcs', ['gs://'], 'G', { plugin: 'tfscale-plugin-gcs' });
    assert.throws(() => router.add('gcs-fast', ['s3://', 'gs://'], 'F', { plugin: 'tfscale-plugin-fast' }), {
      code: 'TFSCALE_E_SCHEME_CONFLICT',
      plugin: 'tfscale-plugin-fast',
      message:
        'model store "gcs-fast" (plugin "tfscale-plugin-fast") claims gs://, which model store "gcs" (plugin "tfscale-plugin-gcs") already handles.\n' +
        'HINT: Each scheme has one handler: remove one of the two, or unregister the first.',
    });
    // Nothing of the refused handler was kept.
    assert.deepEqual(router.schemes(), ['gs://']);
  });

  it('re-adding a name needs override, which replaces its schemes', () => {
    const router = new SchemeRouter<string>('model store');
    router.add('web', ['http://'], 'A');
    assert.throws(() => router.add('web', ['https://'], 'B'), { code: 'TFSCALE_E_REGISTRY_DUPLICATE' });
    router.add('web', ['https://'], 'B', { override: true });
    assert.deepEqual(router.schemes(), ['https://']);
  });

  it('an unknown scheme → TFSCALE_E_SCHEME_UNSUPPORTED listing registered schemes', () => {
    const router = new SchemeRouter<string>('model store');
    router.add('local', ['file://'], 'L');
    assert.throws(() => router.route('s3://bucket/x'), {
      code: 'TFSCALE_E_SCHEME_UNSUPPORTED',
      message:
        'No model store handles s3:// (in "s3://bucket/x"). Registered: file://.\n' +
        'HINT: Use a supported location, or install a plugin that handles this scheme.',
    });
  });

  it('requireScheme accepts declared schemes and refuses others', () => {
    assert.equal(requireScheme('/tmp/x', ['file://'], 'exporter "tfjs"'), 'file://');
    assert.throws(() => requireScheme('gs://b/x', ['file'], 'exporter "tfjs"'), {
      code: 'TFSCALE_E_SCHEME_UNSUPPORTED',
      message: /^exporter "tfjs" does not support gs:\/\/ \(in "gs:\/\/b\/x"\)\. Supported: file:\/\/\./,
    });
  });
});
