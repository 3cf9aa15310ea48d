import assert from 'node:assert/strict';
import { isTfscaleError } from '../../core/errors';
import { errorFromWire, errorToWire, psLost } from './ps-errors';

describe('distribute/parameter-server/ps-errors', () => {
  it('a coded error crosses the wire with its code and hint, naming who reported it', () => {
    const sent = psLost({ type: 'ps', index: 1, address: 'p1:2222' }, 'ECONNRESET', 'chief');
    const got = errorFromWire(JSON.parse(JSON.stringify(errorToWire(sent))), 'the chief');
    assert.equal(got.code, 'TFSCALE_E_PS_LOST');
    assert.equal(
      got.summary,
      'Parameter server ps:1 (p1:2222) was lost: ECONNRESET (seen by chief). (reported by the chief)',
    );
    assert.equal(got.hint, sent.hint);
  });

  it('an uncoded error becomes TFSCALE_E_PS_TASK_FAILED; an unreadable one TFSCALE_E_PS_MISMATCH', () => {
    const plain = errorFromWire(errorToWire(new Error('Shapes [2] and [3] differ.')), 'worker:0 (w0:2222)');
    assert.ok(isTfscaleError(plain, 'TFSCALE_E_PS_TASK_FAILED'));
    assert.equal(plain.summary, 'A task failed: Shapes [2] and [3] differ. (reported by worker:0 (w0:2222))');
    assert.ok(isTfscaleError(errorFromWire({ code: 'TFSCALE_E_NOPE', summary: 'x' }, 'ps:0'), 'TFSCALE_E_PS_MISMATCH'));
  });
});
