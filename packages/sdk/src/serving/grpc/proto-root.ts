/**
 * The shipped TF Serving `.proto` files (packages/sdk/protos, listed in package.json "files") and
 * the protobufjs root parsed from them. The files keep upstream import paths, so any standard
 * generator (protoc, @grpc/proto-loader, grpcio-tools) reads them with one include directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Root, type Type } from 'protobufjs';

/**
 * The service files; their imports pull in every other message.
 * @example
 *   protoLoader.loadSync([...SERVING_PROTO_FILES], { includeDirs: [servingProtosDir()], keepCase: true });
 */
export const SERVING_PROTO_FILES = [
  'tensorflow_serving/apis/prediction_service.proto',
  'tensorflow_serving/apis/model_service.proto',
  'tensorflow_serving/config/monitoring_config.proto',
  'tensorflow_serving/servables/tensorflow/session_bundle_config.proto',
] as const;

let dir: string | undefined;
let root: Root | undefined;

/**
 * Absolute path of the protos folder (the include directory for protoc / proto-loader).
 * @example
 *   protoLoader.loadSync(SERVING_PROTO_FILES[0], { includeDirs: [servingProtosDir()] });
 */
export function servingProtosDir(): string {
  if (dir) return dir;
  // Same depth from src/serving/grpc and dist/serving/grpc: the package root is three up.
  const candidate = path.resolve(__dirname, '..', '..', '..', 'protos');
  if (!fs.existsSync(path.join(candidate, SERVING_PROTO_FILES[0]))) {
    throw new Error(`TF Serving protos not found at ${candidate} (they ship in @tfscale/sdk/protos).`);
  }
  dir = candidate;
  return dir;
}

/**
 * The protobufjs root with every TF Serving message, field names as in the .proto (`float_val`).
 * @example
 *   const PredictRequest = servingRoot().lookupType('tensorflow.serving.PredictRequest');
 */
export function servingRoot(): Root {
  if (root) return root;
  const base = servingProtosDir();
  const r = new Root();
  // google/protobuf/* resolve to protobufjs' bundled copies; the rest to our folder.
  r.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : path.join(base, target));
  r.loadSync([...SERVING_PROTO_FILES], { keepCase: true });
  r.resolveAll();
  root = r;
  return root;
}

/**
 * A message type by full name.
 * @example
 *   servingType('tensorflow.TensorProto').encode(msg).finish();
 */
export function servingType(fullName: string): Type {
  return servingRoot().lookupType(fullName);
}
