// Helpers shared by tfscale's addon sources: N-API error checks and strings, graph tensor names.
#pragma once
#include <node_api.h>
#include <tensorflow/c/c_api.h>

#include <cstdlib>
#include <string>
#include <vector>

// Throws a JS error and returns from the calling N-API callback when `call` fails.
#define CHECK_NAPI(call)                                                  \
  do {                                                                    \
    if ((call) != napi_ok) {                                              \
      napi_throw_error(env, nullptr, "tfscale addon: N-API call failed"); \
      return nullptr;                                                     \
    }                                                                     \
  } while (0)

namespace tfscale {

inline std::string GetString(napi_env env, napi_value v) {
  size_t len = 0;
  napi_get_value_string_utf8(env, v, nullptr, 0, &len);
  std::string s(len, '\0');
  napi_get_value_string_utf8(env, v, &s[0], len + 1, &len);
  return s;
}

inline std::vector<std::string> GetStrings(napi_env env, napi_value arr) {
  uint32_t n = 0;
  napi_get_array_length(env, arr, &n);
  std::vector<std::string> out;
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    napi_get_element(env, arr, i, &e);
    out.push_back(GetString(env, e));
  }
  return out;
}

// A shape given as number[]: its dims, and their product in `count`.
inline std::vector<int64_t> GetDims(napi_env env, napi_value shape, int64_t* count) {
  uint32_t rank = 0;
  napi_get_array_length(env, shape, &rank);
  std::vector<int64_t> dims(rank);
  *count = 1;
  for (uint32_t d = 0; d < rank; d++) {
    napi_value v;
    napi_get_element(env, shape, d, &v);
    napi_get_value_int64(env, v, &dims[d]);
    *count *= dims[d];
  }
  return dims;
}

// Bytes held by a typed array of `length` elements of `type`.
inline size_t TypedArrayBytes(napi_typedarray_type type, size_t length) {
  switch (type) {
    case napi_float64_array:
    case napi_bigint64_array:
    case napi_biguint64_array:
      return length * 8;
    case napi_float32_array:
    case napi_int32_array:
    case napi_uint32_array:
      return length * 4;
    case napi_int16_array:
    case napi_uint16_array:
      return length * 2;
    default:
      return length;
  }
}

// "node:index" (index defaults to 0) -> TF_Output; oper is null when the node or index is unknown.
inline TF_Output ParseOutput(TF_Graph* graph, const std::string& name) {
  size_t colon = name.rfind(':');
  std::string node = colon == std::string::npos ? name : name.substr(0, colon);
  int index = colon == std::string::npos ? 0 : std::atoi(name.c_str() + colon + 1);
  TF_Operation* op = TF_GraphOperationByName(graph, node.c_str());
  if (op && (index < 0 || index >= TF_OperationNumOutputs(op))) op = nullptr;
  return TF_Output{op, index};
}

}  // namespace tfscale
