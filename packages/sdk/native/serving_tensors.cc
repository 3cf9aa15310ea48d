// Tensor conversion of the serving addon (see serving_tensors.h).
#include "serving_tensors.h"

#include <tensorflow/c/tf_tstring.h>

#include <cstring>

#include "napi_tf.h"

namespace tfscale {

namespace {

size_t ElementBytes(TF_DataType t) { return t == TF_STRING ? 0 : TF_DataTypeSize(t); }

}  // namespace

void DeleteInput(TF_Tensor* t) {
  if (TF_TensorType(t) == TF_STRING) {
    auto* strs = static_cast<TF_TString*>(TF_TensorData(t));
    size_t n = TF_TensorByteSize(t) / sizeof(TF_TString);
    for (size_t i = 0; i < n; i++) TF_StringDealloc(&strs[i]);
  }
  TF_DeleteTensor(t);
}

TF_Tensor* MakeTensor(napi_env env, int32_t dtype, napi_value shape, napi_value data, std::string* err) {
  int64_t count = 1;
  std::vector<int64_t> dims = GetDims(env, shape, &count);
  const int rank = static_cast<int>(dims.size());
  auto type = static_cast<TF_DataType>(dtype);
  if (type == TF_STRING) {
    uint32_t n = 0;
    napi_get_array_length(env, data, &n);
    if ((int64_t)n != count) {
      *err = "string feed has " + std::to_string(n) + " elements, its shape needs " + std::to_string(count);
      return nullptr;
    }
    TF_Tensor* t = TF_AllocateTensor(TF_STRING, dims.data(), rank, sizeof(TF_TString) * count);
    auto* strs = static_cast<TF_TString*>(TF_TensorData(t));
    for (uint32_t i = 0; i < n; i++) {
      napi_value e;
      napi_get_element(env, data, i, &e);
      void* bytes = nullptr;
      size_t len = 0;
      napi_typedarray_type ta;
      napi_value ab;
      size_t off;
      TF_StringInit(&strs[i]);
      if (napi_get_typedarray_info(env, e, &ta, &len, &bytes, &ab, &off) != napi_ok) {
        for (uint32_t k = 0; k <= i; k++) TF_StringDealloc(&strs[k]);
        TF_DeleteTensor(t);
        *err = "string feed element is not a Uint8Array";
        return nullptr;
      }
      TF_StringCopy(&strs[i], static_cast<const char*>(bytes), len);
    }
    return t;
  }
  size_t width = ElementBytes(type);
  napi_typedarray_type ta;
  size_t length = 0, off = 0;
  void* bytes = nullptr;
  napi_value ab;
  if (width == 0 || napi_get_typedarray_info(env, data, &ta, &length, &bytes, &ab, &off) != napi_ok) {
    *err = "feed data is not a typed array of a fixed-width dtype";
    return nullptr;
  }
  size_t have = TypedArrayBytes(ta, length);
  size_t need = width * (size_t)count;
  if (have != need) {
    *err = "feed has " + std::to_string(have) + " bytes, its shape and dtype need " + std::to_string(need);
    return nullptr;
  }
  TF_Tensor* t = TF_AllocateTensor(type, dims.data(), rank, need);
  if (need) std::memcpy(TF_TensorData(t), bytes, need);
  return t;
}

napi_value TensorToJs(napi_env env, TF_Tensor* t) {
  napi_value obj, dtype, shape, data;
  napi_create_object(env, &obj);
  TF_DataType type = TF_TensorType(t);
  napi_create_int32(env, type, &dtype);
  int rank = TF_NumDims(t);
  int64_t count = 1;
  napi_create_array_with_length(env, rank, &shape);
  for (int d = 0; d < rank; d++) {
    napi_value v;
    count *= TF_Dim(t, d);
    napi_create_int64(env, TF_Dim(t, d), &v);
    napi_set_element(env, shape, d, v);
  }
  if (type == TF_STRING) {
    napi_create_array_with_length(env, count, &data);
    auto* strs = static_cast<const TF_TString*>(TF_TensorData(t));
    for (int64_t k = 0; k < count; k++) {
      napi_value b;
      void* dst = nullptr;
      size_t len = TF_StringGetSize(&strs[k]);
      napi_create_buffer_copy(env, len, TF_StringGetDataPointer(&strs[k]), &dst, &b);
      napi_set_element(env, data, k, b);
    }
  } else {
    size_t nbytes = TF_TensorByteSize(t);
    void* dst = nullptr;
    napi_create_arraybuffer(env, nbytes, &dst, &data);
    if (nbytes) std::memcpy(dst, TF_TensorData(t), nbytes);
  }
  napi_set_named_property(env, obj, "dtype", dtype);
  napi_set_named_property(env, obj, "shape", shape);
  napi_set_named_property(env, obj, "data", data);
  return obj;
}

napi_value OutputsToJs(napi_env env, const std::vector<TF_Tensor*>& outputs, double runMicros) {
  napi_value list;
  napi_create_array_with_length(env, outputs.size(), &list);
  for (size_t i = 0; i < outputs.size(); i++) napi_set_element(env, list, i, TensorToJs(env, outputs[i]));
  napi_value micros;
  napi_create_double(env, runMicros, &micros);
  napi_set_named_property(env, list, "runMicros", micros);
  return list;
}

}  // namespace tfscale
