import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { tensorflowRoot } from '@tfscale/sdk';
import { Enum, MapField, Namespace, type ReflectionObject, Type } from 'protobufjs';
import { interopPython } from './support/python';

/** protobufjs scalar type → protobuf's FieldDescriptor.TYPE_* number. */
const TYPE_NUMBER: Record<string, number> = {
  double: 1,
  float: 2,
  int64: 3,
  uint64: 4,
  int32: 5,
  fixed32: 7,
  bool: 8,
  string: 9,
  bytes: 12,
  uint32: 13,
};

function collect(ns: Namespace, types: Type[], enums: Enum[]): void {
  for (const o of ns.nestedArray as ReflectionObject[]) {
    if (o instanceof Type) types.push(o);
    else if (o instanceof Enum) enums.push(o);
    if (o instanceof Namespace) collect(o, types, enums);
  }
}

// tensorflowRoot() parses the shipped .proto files (SavedModel, GraphDef, TensorBundle, events);
// every message, field and enum value in them must be TensorFlow's own.
describe('tensorflowRoot() protos against TensorFlow 2.21 descriptors', function () {
  this.timeout(120_000);
  const python = interopPython();

  it('every message, field (number, type, label) and enum value matches', function () {
    if (!python.path) {
      console.log(`      (skipped: ${python.reason})`);
      this.skip();
    }
    const types: Type[] = [];
    const enums: Enum[] = [];
    collect(tensorflowRoot(), types, enums);
    const name = (o: ReflectionObject) => o.fullName.slice(1);
    const r = spawnSync(python.path as string, [path.join(__dirname, '..', 'interop', 'tensorflow_protos_check.py')], {
      input: JSON.stringify({ messages: types.map(name), enums: enums.map(name) }),
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const tf = JSON.parse(r.stdout) as {
      messages: Record<string, Record<string, [number, number, number]> | null>;
      enums: Record<string, Record<string, number> | null>;
    };
    assert.ok(types.length >= 30 && enums.length >= 4, `${types.length} messages, ${enums.length} enums`);
    for (const t of types) {
      const theirs = tf.messages[name(t)];
      assert.ok(theirs, `TensorFlow has no message ${name(t)}`);
      for (const f of t.fieldsArray) {
        f.resolve();
        const type =
          f instanceof MapField || f.resolvedType instanceof Type
            ? 11
            : f.resolvedType instanceof Enum
              ? 14
              : TYPE_NUMBER[f.type];
        const label = f instanceof MapField || f.repeated ? 3 : 1;
        assert.deepEqual([f.id, type, label], theirs[f.name], `${name(t)}.${f.name}`);
      }
    }
    for (const e of enums) {
      const theirs = tf.enums[name(e)];
      assert.ok(theirs, `TensorFlow has no enum ${name(e)}`);
      for (const [k, v] of Object.entries(e.values)) assert.equal(v, theirs[k], `${name(e)}.${k}`);
    }
  });
});
