# tfscale's own small addon over TensorFlow's C API (graph import, symbolic gradients, sessions),
# built by scripts/setup-native.js against the same TensorFlow libraries as tfjs-node.
{
  'variables': { 'tf_dir%': '' },
  'targets': [{
    'target_name': 'tfscale_graph',
    'sources': ['tfscale_graph.cc'],
    'include_dirs': ['<(tf_dir)/include'],
    'cflags_cc': ['-std=c++17', '-O2'],
    'libraries': ['-Wl,-rpath,<(tf_dir)/lib', '-L<(tf_dir)/lib', '-ltensorflow', '-ltensorflow_framework'],
  }],
}
