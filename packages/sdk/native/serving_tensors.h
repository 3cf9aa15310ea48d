// Tensor conversion of the serving addon: JS feeds (typed arrays, or Buffers for strings) to
// TF_Tensors, and fetched TF_Tensors back to { dtype, shape, data } objects.
#pragma once
#include <node_api.h>
#include <tensorflow/c/c_api.h>

#include <string>
#include <vector>

namespace tfscale {

// A TF_Tensor of `dtype` and `shape` (number[]) holding a copy of `data` (a typed array of exactly
// the needed bytes, or an array of Uint8Array for TF_STRING); nullptr with `err` set otherwise.
TF_Tensor* MakeTensor(napi_env env, int32_t dtype, napi_value shape, napi_value data, std::string* err);

// Deletes a feed MakeTensor made (its TF_TStrings own heap memory TF_DeleteTensor does not free).
void DeleteInput(TF_Tensor* t);

// { dtype, shape, data: ArrayBuffer | Buffer[] } holding a copy of `t`.
napi_value TensorToJs(napi_env env, TF_Tensor* t);

// [TensorToJs(output), ...] with .runMicros.
napi_value OutputsToJs(napi_env env, const std::vector<TF_Tensor*>& outputs, double runMicros);

}  // namespace tfscale
