# tfscale's own small addon over TensorFlow's C API (graph import, symbolic gradients, sessions),
# built by scripts/setup-native.js against the same TensorFlow libraries as tfjs-node.
{
  'variables': { 'tf_dir%': '' },
  'targets': [{
    'target_name': 'tfscale_graph',
    'sources': ['tfscale_graph.cc', 'serving_session.cc', 'serving_tensors.cc'],
    'include_dirs': ['<(tf_dir)/include'],
    'cflags_cc': ['-std=c++17', '-O2'],
    'libraries': ['-Wl,-rpath,<(tf_dir)/lib', '-L<(tf_dir)/lib', '-ltensorflow', '-ltensorflow_framework'],
  }, {
    # The REST reader's number scanner (src/serving/rest/native-numbers.ts): node headers only,
    # no TensorFlow, so it builds alone (`node-gyp build tfscale_json`) where TF is missing.
    # No FMA contraction: its double-double arithmetic relies on every product being rounded.
    'target_name': 'tfscale_json',
    'sources': ['json_numbers.cc'],
    'cflags_cc': ['-std=c++17', '-O2', '-ffp-contract=off'],
    'xcode_settings': { 'OTHER_CPLUSPLUSFLAGS': ['-std=c++17', '-O2', '-ffp-contract=off'] },
  }],
}
