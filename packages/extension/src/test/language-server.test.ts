// The run-file analysis with the workspace's real SDK and plugins loaded, as the server does.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyze, complete, hover, optionProblems } from '../server/analysis';
import { loadSdk, type OptionsChecker, type PluginCatalog, type SdkApi } from '../server/catalog';
import { locateSdk, sdkMissingMessage } from '../shared/sdk-locator';
import { REPO } from './fixtures';

const base = {
  name: 'digits',
  model: { type: 'sequential', layers: [{ type: 'dense', units: 10, inputShape: [4] }] },
  compile: { optimizer: 'adam', loss: 'mse' },
  data: { train: { csv: 'd.csv', label: 'label' } },
  epochs: 2,
};
const text = (extra: Record<string, unknown>) => JSON.stringify({ ...base, ...extra }, null, 2);
const at = (t: string, p: { start: number; end: number }) => t.slice(p.start, p.end);

describe('run-file language server analysis (real SDK + plugins)', function () {
  this.timeout(60_000);
  let sdk: SdkApi;
  let catalog: PluginCatalog;
  let checkOptions: OptionsChecker;

  before(async () => {
    const found = locateSdk(path.join(REPO, 'examples'));
    assert.ok(found);
    ({ sdk, catalog, checkOptions } = await loadSdk(found.main, REPO));
  });

  it('the catalogue holds the SDK’s strategies, callbacks and exporters', () => {
    const names = (p: keyof PluginCatalog) => catalog[p].map((e) => e.name);
    for (const s of ['one-device', 'mirrored', 'multi-worker-mirrored', 'parameter-server']) {
      assert.ok(names('strategy').includes(s), s);
    }
    assert.ok(names('callback').includes('early_stopping'));
    assert.ok(names('exporter').includes('savedmodel'));
  });

  it('a valid run file has no problems', () => {
    assert.deepEqual(analyze(text({ strategy: 'mirrored', callbacks: ['early_stopping'] }), catalog, sdk), []);
  });

  it('flags a misspelled strategy on its value, with a did-you-mean from the installed names', () => {
    const t = text({ strategy: 'mirored' });
    const [p, ...rest] = analyze(t, catalog, sdk);
    assert.equal(rest.length, 0);
    assert.equal(at(t, p!), '"mirored"');
    assert.match(p!.message, /Unknown strategy `mirored`\. Did you mean `mirrored`\?/);
    assert.equal(p!.suggestion, 'mirrored');
  });

  it('flags unknown callback and exporter names, in both name forms', () => {
    const t = text({
      callbacks: ['early_stoping', { name: 'tensorbord', options: {} }],
      exporters: [{ format: 'onxx', path: 'm' }],
    });
    const problems = analyze(t, catalog, sdk);
    const spans = problems.map((p) => at(t, p));
    assert.deepEqual(spans, ['"early_stoping"', '"tensorbord"', '"onxx"']);
    assert.match(problems[0]!.message, /Did you mean `early_stopping`/);
  });

  it('reports the SDK schema’s issues on the offending value, and JSON syntax errors', () => {
    const t = text({ data: { train: { csv: 'd.csv', label: 'label' }, batchSize: -3 } });
    const [p] = analyze(t, catalog, sdk);
    assert.equal(at(t, p!), '-3');
    assert.match(p!.message, /batchSize/);
    const broken = '{ "name": "x", }';
    assert.match(analyze(broken, catalog, sdk)[0]?.message ?? '', /^JSON: /);
  });

  it('lets each named plugin judge its options: unknown keys, missing required ones', async () => {
    const t = text({
      callbacks: [
        { name: 'early_stopping', options: { patience: 2, monitor: 'val_loss' } },
        { name: 'early_stopping', options: { patiense: 2 } },
        'model_checkpoint',
        'tensorbord',
      ],
    });
    const problems = await optionProblems(t, checkOptions);
    assert.deepEqual(
      problems.map((p) => at(t, p).replace(/\s+/g, ' ')),
      ['{ "patiense": 2 }', '"model_checkpoint"'],
    );
    assert.match(problems[0]!.message, /Unknown option `patiense` for EarlyStopping/);
    assert.match(problems[1]!.message, /filepath/);
  });

  it('completes strategy and callback names inside and outside quotes', () => {
    const t = '{\n  "strategy": "mi\n}';
    const items = complete(t, t.indexOf('mi') + 2, catalog);
    assert.ok(items.some((i) => i.label === 'mirrored' && i.insert === 'mirrored'));
    assert.equal(t.slice(items[0]!.start, t.indexOf('mi') + 2), 'mi');
    const u = '{ "callbacks": [ ] }';
    const cb = complete(u, u.indexOf('[') + 1, catalog);
    assert.ok(cb.some((i) => i.label === 'early_stopping' && i.insert === '"early_stopping"'));
    assert.deepEqual(complete('{ "name": "" }', 11, catalog), []);
  });

  it('hovers: a strategy name’s docs, a field’s schema description', () => {
    const t = text({ strategy: 'mirrored' });
    const h = hover(t, t.indexOf('"mirrored"') + 2, catalog, sdk);
    assert.match(h?.markdown ?? '', /\*\*mirrored\*\* \(strategy, @tfscale\/sdk\)/);
    const k = hover(t, t.indexOf('"epochs"') + 2, catalog, sdk);
    assert.match(k?.markdown ?? '', /epoch/i);
  });

  it('says where the SDK is missing', () => {
    assert.equal(locateSdk('/'), undefined);
    assert.match(sdkMissingMessage('/w'), /npm i @tfscale\/sdk/);
  });
});
