import * as assert from 'node:assert/strict';
import { isTfscaleError } from '../../core/errors';
import { applyActivation, SUPPORTED_ACTIVATIONS } from './activations';
import { GraphBuilder } from './graph-builder';
import { activate, type LayerCall, unsupportedLayer } from './layers/layer-call';

function opsOf(name: string): string[] {
  const g = new GraphBuilder();
  const x = g.placeholder('x', 'float32', [null, 4]);
  const y = applyActivation(g, x, name);
  assert.ok(y, name);
  return g
    .toGraphDef()
    .node.slice(1)
    .filter((n) => n.op !== 'Const')
    .map((n) => n.op);
}

describe('activations', () => {
  it('supports every tfjs activation', () => {
    assert.deepEqual([...SUPPORTED_ACTIVATIONS].sort(), [
      'elu',
      'gelu',
      'gelu_new',
      'hardSigmoid',
      'linear',
      'logSoftmax',
      'mish',
      'relu',
      'relu6',
      'selu',
      'sigmoid',
      'softmax',
      'softplus',
      'softsign',
      'swish',
      'tanh',
    ]);
  });

  it("maps each to TF ops with tfjs' formula", () => {
    assert.deepEqual(opsOf('linear'), []);
    assert.deepEqual(opsOf('relu6'), ['Relu6']);
    assert.deepEqual(opsOf('softmax'), ['Softmax']);
    assert.deepEqual(opsOf('gelu'), ['RealDiv', 'Erf', 'AddV2', 'Mul', 'Mul']);
    assert.deepEqual(opsOf('gelu_new'), ['Pow', 'Mul', 'AddV2', 'Mul', 'Tanh', 'AddV2', 'Mul', 'Mul']);
    assert.deepEqual(opsOf('swish'), ['Sigmoid', 'Mul']);
    assert.deepEqual(opsOf('mish'), ['Softplus', 'Tanh', 'Mul']);
    assert.deepEqual(opsOf('hardSigmoid'), ['Mul', 'AddV2', 'Minimum', 'Maximum']);
  });

  it('an unknown activation is a coded error naming layer, option and format', () => {
    const g = new GraphBuilder();
    const call = {
      g,
      config: { activation: 'customAct' },
      unsupported: (option: string, value: unknown, expected: string) =>
        unsupportedLayer({ name: 'd1', className: 'Dense', format: 'savedmodel', option, value, expected }),
    } as unknown as LayerCall;
    assert.throws(
      () => activate(call, g.placeholder('x', 'float32', [null, 2])),
      (err: unknown) =>
        isTfscaleError(err, 'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER') &&
        /layer `d1` \(Dense\) to savedmodel: unsupported value for `activation`\. Received: activation="customAct"\. Expected: one of elu|linear/.test(
          (err as Error).message,
        ),
    );
  });
});
