import assert from 'node:assert/strict';
import { ERROR_CATALOGUE, formatError, invalidValue, isTfscaleError, notImplemented, TfscaleError } from './errors';

describe('core/errors', () => {
  it('every catalogue code is TFSCALE_E_* and sorted', () => {
    const codes = Object.keys(ERROR_CATALOGUE);
    for (const code of codes) assert.match(code, /^TFSCALE_E_[A-Z0-9_]+$/);
    assert.deepEqual(codes, [...codes].sort());
  });

  it('puts the hint on its own HINT: line of message', () => {
    const err = new TfscaleError('TFSCALE_E_BACKEND_UNAVAILABLE', 'No native backend.', { hint: 'Rebuild it.' });
    assert.equal(err.message, 'No native backend.\nHINT: Rebuild it.');
    assert.equal(err.summary, 'No native backend.');
    assert.equal(err.title, 'Backend unavailable');
    assert.equal(err.name, 'TfscaleError');
  });

  it('invalidValue uses the Keras message format', () => {
    const err = invalidValue('batchSize', -1, 'a positive integer', 'Use e.g. `batchSize: 32`.');
    assert.equal(err.code, 'TFSCALE_E_INVALID_VALUE');
    assert.equal(
      err.message,
      'Invalid value for `batchSize`. Received: batchSize=-1. Expected: a positive integer.\nHINT: Use e.g. `batchSize: 32`.',
    );
    assert.equal(
      invalidValue('name', 'x', 'one of "a", "b".').message,
      'Invalid value for `name`. Received: name="x". Expected: one of "a", "b".',
    );
  });

  it('formatError prints code and message for ours, the stack for anything else', () => {
    const ours = notImplemented('`tfscale deploy`');
    assert.equal(formatError(ours), 'TFSCALE_E_NOT_IMPLEMENTED: `tfscale deploy` is not implemented yet.');
    const bug = new TypeError('x is undefined');
    assert.match(formatError(bug), /^TypeError: x is undefined\n\s+at /);
    assert.equal(formatError('plain'), 'Error: plain');
  });

  it('formatError shows a cause that the message does not already contain', () => {
    const err = new TfscaleError('TFSCALE_E_PLUGIN_IMPORT_FAILED', 'Plugin x failed to load.', {
      cause: new Error('ENOENT'),
    });
    assert.equal(formatError(err), 'TFSCALE_E_PLUGIN_IMPORT_FAILED: Plugin x failed to load.\nCaused by: ENOENT');
  });

  it('isTfscaleError recognises coded errors from another SDK copy', () => {
    const foreign = Object.assign(new Error('boom'), { code: 'TFSCALE_E_REGISTRY_UNKNOWN' });
    assert.equal(isTfscaleError(foreign), true);
    assert.equal(isTfscaleError(foreign, 'TFSCALE_E_REGISTRY_UNKNOWN'), true);
    assert.equal(isTfscaleError(foreign, 'TFSCALE_E_REGISTRY_DUPLICATE'), false);
    assert.equal(isTfscaleError(Object.assign(new Error('x'), { code: 'ENOENT' })), false);
  });
});
