/**
 * The `.proto` files shipped in @tfscale/sdk's `protos` folder (package.json "files"): the one
 * source of every TensorFlow and TF Serving message the SDK reads or writes. They keep upstream
 * import paths, so protoc, @grpc/proto-loader and protobufjs all read them with one include dir.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Root } from 'protobufjs';

let dir: string | undefined;

/**
 * Absolute path of the SDK's protos folder.
 * @example
 *   protoLoader.loadSync('tensorflow/core/util/event.proto', { includeDirs: [protosDir()] });
 */
export function protosDir(): string {
  if (dir) return dir;
  // Same depth from src/formats/proto and dist/formats/proto: the package root is three up.
  const candidate = path.resolve(__dirname, '..', '..', '..', 'protos');
  if (!fs.existsSync(path.join(candidate, 'tensorflow', 'core', 'framework', 'tensor.proto'))) {
    throw new Error(`TensorFlow protos not found at ${candidate} (they ship in @tfscale/sdk/protos).`);
  }
  dir = candidate;
  return dir;
}

/**
 * Parses `files` (paths under {@link protosDir}, with their imports) into a new resolved root.
 * `keepCase: false` gives camelCase field names (`floatVal`), `true` the .proto names.
 * @example
 *   const root = loadProtoRoot(['tensorflow/core/util/event.proto'], { keepCase: false });
 */
export function loadProtoRoot(files: readonly string[], options: { keepCase: boolean }): Root {
  const base = protosDir();
  const root = new Root();
  // google/protobuf/* resolve to protobufjs' bundled copies; the rest to our folder.
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : path.join(base, target));
  root.loadSync([...files], { keepCase: options.keepCase });
  root.resolveAll();
  return root;
}
