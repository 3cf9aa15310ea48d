/**
 * The TF Serving services among the shipped `.proto` files (see formats/proto/protos-dir.ts) and
 * the protobufjs root parsed from them, with the field names of the .proto files.
 */
import type { Root, Type } from 'protobufjs';
import { loadProtoRoot, protosDir } from '../../formats/proto/protos-dir';

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

let root: Root | undefined;

/**
 * Absolute path of the protos folder (the include directory for protoc / proto-loader).
 * @example
 *   protoLoader.loadSync(SERVING_PROTO_FILES[0], { includeDirs: [servingProtosDir()] });
 */
export function servingProtosDir(): string {
  return protosDir();
}

/**
 * The protobufjs root with every TF Serving message, field names as in the .proto (`float_val`).
 * @example
 *   const PredictRequest = servingRoot().lookupType('tensorflow.serving.PredictRequest');
 */
export function servingRoot(): Root {
  root ??= loadProtoRoot(SERVING_PROTO_FILES, { keepCase: true });
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
