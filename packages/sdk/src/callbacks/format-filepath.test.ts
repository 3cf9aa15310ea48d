import assert from 'node:assert/strict';
import { isTfscaleError } from '../core/errors';
import { FilepathTemplate, formatFilepath } from './format-filepath';

// Expected strings come from CPython 3.11's str.format on the same values (ints where listed).
const PYTHON: Array<[string, Record<string, number>, string[], string]> = [
  ['{epoch:02d}', { epoch: 3 }, ['epoch'], '03'],
  ['{epoch}', { epoch: 12 }, ['epoch'], '12'],
  ['{epoch:03d}-{batch:d}', { epoch: 7, batch: 15 }, ['epoch', 'batch'], '007-15'],
  ['{val_loss:.4f}', { val_loss: 0.123456 }, [], '0.1235'],
  ['{val_loss:.2f}', { val_loss: 0.125 }, [], '0.12'],
  ['{v:.0f}', { v: 2.5 }, [], '2'],
  ['{v:.0f}', { v: 3.5 }, [], '4'],
  ['{v:.2f}', { v: 1.005 }, [], '1.00'],
  ['{v:f}', { v: 0.3333333333333333 }, [], '0.333333'],
  ['{v:e}', { v: 0.000123456 }, [], '1.234560e-04'],
  ['{v:.2e}', { v: 123456.0 }, [], '1.23e+05'],
  ['{v:.1E}', { v: 9.96 }, [], '1.0E+01'],
  ['{v:g}', { v: 123456789.0 }, [], '1.23457e+08'],
  ['{v:g}', { v: 0.0001 }, [], '0.0001'],
  ['{v:g}', { v: 1e-5 }, [], '1e-05'],
  ['{v:.3g}', { v: 100.0 }, [], '100'],
  ['{v:.3}', { v: 100.0 }, [], '1e+02'],
  ['{v:.3}', { v: 12.0 }, [], '12.0'],
  ['{v:.3}', { v: 0.0 }, [], '0.0'],
  ['{v:G}', { v: 1e-10 }, [], '1E-10'],
  ['{v:.1%}', { v: 0.8765 }, [], '87.6%'],
  ['{v}', { v: 0.1 }, [], '0.1'],
  ['{v}', { v: 1.0 }, [], '1.0'],
  ['{v}', { v: 1e-5 }, [], '1e-05'],
  ['{v}', { v: 1.5e16 }, [], '1.5e+16'],
  ['{v}', { v: 123.456 }, [], '123.456'],
  ['{v}', { v: 1000000000000000.0 }, [], '1000000000000000.0'],
  ['{v:08.3f}', { v: -12.3456 }, [], '-012.346'],
  ['{v:+.2f}', { v: 2.0 }, [], '+2.00'],
  ['{v: .2f}', { v: 2.0 }, [], ' 2.00'],
  ['{v:^9.2f}', { v: 2.5 }, [], '  2.50   '],
  ['{v:*<8.1f}', { v: 4.25 }, [], '4.2*****'],
  ['{v:=+8.2f}', { v: -1.5 }, [], '-   1.50'],
  ['{v:>6}', { v: 0.5 }, [], '   0.5'],
  ['{v:<06.1f}', { v: 0.5 }, [], '0.5000'],
  ['{epoch:+05d}', { epoch: 42 }, ['epoch'], '+0042'],
  ['{epoch:.2f}', { epoch: 3 }, ['epoch'], '3.00'],
  ['{epoch:e}', { epoch: 3 }, ['epoch'], '3.000000e+00'],
  ['{v:f}', { v: Number.POSITIVE_INFINITY }, [], 'inf'],
  ['{v:F}', { v: Number.NaN }, [], 'NAN'],
  ['{v:.3f}', { v: -0 }, [], '-0.000'],
  ['{v:.1f}', { v: -0.04 }, [], '-0.0'],
  ['{v:.20f}', { v: 0.1 }, [], '0.10000000000000000555'],
  ['{v:.3e}', { v: 9.9995e-5 }, [], '9.999e-05'],
  ['{v:.2f}', { v: 5e-324 }, [], '0.00'],
  ['{v:e}', { v: 1.7976931348623157e308 }, [], '1.797693e+308'],
  ['ckpt/{{literal}}-{epoch:02d}', { epoch: 1 }, ['epoch'], 'ckpt/{literal}-01'],
];

describe('callbacks/formatFilepath', () => {
  it('formats like Python str.format for the specs Keras users write', () => {
    for (const [template, values, ints, expected] of PYTHON) {
      assert.equal(formatFilepath(template, values, ints), expected, `${template} with ${JSON.stringify(values)}`);
    }
  });

  it('lists the keys of a template and tells templated paths from plain ones', () => {
    const t = new FilepathTemplate('ckpt/{epoch:02d}-{val_loss:.4f}-{epoch}');
    assert.deepEqual(t.keys, ['epoch', 'val_loss']);
    assert.equal(t.isTemplated, true);
    assert.equal(new FilepathTemplate('ckpt/best').isTemplated, false);
    assert.equal(new FilepathTemplate('a{{b}}').isTemplated, false);
  });

  it('names a missing key, the available ones and the closest match', () => {
    const t = new FilepathTemplate('ckpt/{epoch:02d}-{val_los:.4f}');
    assert.throws(
      () => t.format({ epoch: 1, loss: 0.5, val_loss: 0.4 }, ['epoch']),
      (err: unknown) =>
        isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE') &&
        err.message.includes('Failed to format this callback filepath: "ckpt/{epoch:02d}-{val_los:.4f}"') &&
        err.message.includes('`val_los`') &&
        err.message.includes('epoch, loss, val_loss') &&
        err.hint === 'did you mean `{val_loss}`?',
    );
  });

  it("refuses 'd' for a float log value, as Python does", () => {
    assert.throws(
      () => formatFilepath('{loss:02d}', { loss: 0.5 }),
      /Unknown format code 'd' for the float `loss`=0.5/,
    );
    assert.throws(() => formatFilepath('{loss:02d}', { loss: 2 }), /Unknown format code 'd'/);
    assert.throws(
      () => formatFilepath('{epoch:.2}', { epoch: 2 }, ['epoch']),
      /Precision not allowed in integer format specifier/,
    );
  });

  it('rejects template syntax errors when the template is parsed', () => {
    const bad: Array<[string, RegExp]> = [
      ['ckpt/{epoch', /Expected '}' before end of string/],
      ['ckpt/epoch}', /Single '}' encountered/],
      ['ckpt/{}', /The field \{\} is not supported/],
      ['ckpt/{logs.loss}', /The field \{logs.loss\} is not supported/],
      ['ckpt/{epoch!r}', /not supported/],
      ['ckpt/{loss:,.2f}', /The format spec ":,.2f" is not supported/],
      ['ckpt/{loss:x}', /The format spec ":x" is not supported/],
    ];
    for (const [template, pattern] of bad) {
      assert.throws(
        () => new FilepathTemplate(template),
        (err: unknown) => isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE') && pattern.test(err.message),
        template,
      );
    }
  });
});
