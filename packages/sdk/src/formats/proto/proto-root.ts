import { parse, Root } from 'protobufjs';
import { SAVEDMODEL_PROTO_TEXT } from './savedmodel-proto-text';
import { TENSOR_BUNDLE_PROTO_TEXT } from './tensor-bundle-proto-text';
import { TENSOR_PROTO_TEXT } from './tensor-proto-text';
import { TENSORBOARD_PROTO_TEXT } from './tensorboard-proto-text';

// Every `package tensorflow` text, parsed into one root so messages can refer to each other
// (e.g. a GraphDef's AttrValue holding a TensorProto). Add new texts here.
const TEXTS = [TENSOR_PROTO_TEXT, TENSOR_BUNDLE_PROTO_TEXT, TENSORBOARD_PROTO_TEXT, SAVEDMODEL_PROTO_TEXT];

let root: Root | undefined;

/**
 * The protobufjs root holding every TensorFlow message tfscale reads or writes, parsed on first
 * use so that importing the SDK stays cheap.
 * @example
 *   const Event = tensorflowRoot().lookupType('tensorflow.Event');
 */
export function tensorflowRoot(): Root {
  if (!root) {
    const r = new Root();
    for (const text of TEXTS) parse(text, r, { keepCase: false });
    root = r;
  }
  return root;
}
