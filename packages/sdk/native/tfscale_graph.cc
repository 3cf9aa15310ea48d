// tfscale_graph: TensorFlow graphs from JavaScript through the C API, for the compiled train
// step: import a GraphDef, add symbolic gradients (TF's C++ gradient registry), and run a
// session many times with feeds, fetches and targets; serving sessions live in serving_session.cc.
// Plain N-API (no extra npm dependency).
#include "napi_tf.h"
#include "serving_tensors.h"

#include <cstring>
#include <string>
#include <vector>

void RegisterServing(napi_env env, napi_value exports);  // serving_session.cc

namespace {

using tfscale::GetDims;
using tfscale::GetString;
using tfscale::GetStrings;
using tfscale::ParseOutput;

napi_value ThrowTf(napi_env env, TF_Status* status, const char* what) {
  std::string msg = std::string(what) + ": " + TF_Message(status);
  napi_throw_error(env, nullptr, msg.c_str());
  return nullptr;
}

bool ImportGraph(TF_Graph* graph, const void* data, size_t len, TF_Status* status) {
  TF_Buffer* def = TF_NewBufferFromString(data, len);
  TF_ImportGraphDefOptions* opts = TF_NewImportGraphDefOptions();
  TF_GraphImportGraphDef(graph, def, opts, status);
  TF_DeleteImportGraphDefOptions(opts);
  TF_DeleteBuffer(def);
  return TF_GetCode(status) == TF_OK;
}

// differentiate(graphDef: Buffer, ys: string[], xs: string[], prefix: string)
//   -> { graphDef: Buffer, grads: string[] }: d(sum ys)/d(xs), added to the graph by TF.
napi_value Differentiate(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  void* data = nullptr;
  size_t len = 0;
  CHECK_NAPI(napi_get_buffer_info(env, args[0], &data, &len));
  std::vector<std::string> ys = GetStrings(env, args[1]);
  std::vector<std::string> xs = GetStrings(env, args[2]);
  std::string prefix = GetString(env, args[3]);

  TF_Status* status = TF_NewStatus();
  TF_Graph* graph = TF_NewGraph();
  napi_value result = nullptr;
  if (!ImportGraph(graph, data, len, status)) {
    result = ThrowTf(env, status, "importing the training graph");
  } else {
    std::vector<TF_Output> y, x, dx(xs.size());
    std::string missing;
    for (auto& n : ys) (y.push_back(ParseOutput(graph, n)), missing = y.back().oper ? missing : n);
    for (auto& n : xs) (x.push_back(ParseOutput(graph, n)), missing = x.back().oper ? missing : n);
    if (!missing.empty()) {
      napi_throw_error(env, nullptr, ("no tensor named " + missing).c_str());
    } else {
      TF_AddGradientsWithPrefix(graph, prefix.c_str(), y.data(), (int)y.size(), x.data(), (int)x.size(),
                                nullptr, status, dx.data());
      if (TF_GetCode(status) != TF_OK) {
        result = ThrowTf(env, status, "adding gradients");
      } else {
        TF_Buffer* out = TF_NewBuffer();
        TF_GraphToGraphDef(graph, out, status);
        if (TF_GetCode(status) != TF_OK) {
          result = ThrowTf(env, status, "serializing the graph");
        } else {
          napi_value buf, grads, obj;
          napi_create_buffer_copy(env, out->length, out->data, nullptr, &buf);
          napi_create_array_with_length(env, dx.size(), &grads);
          for (size_t i = 0; i < dx.size(); i++) {
            napi_value s;
            std::string name = dx[i].oper ? std::string(TF_OperationName(dx[i].oper)) + ":" + std::to_string(dx[i].index)
                                          : std::string();
            napi_create_string_utf8(env, name.c_str(), name.size(), &s);
            napi_set_element(env, grads, i, s);
          }
          napi_create_object(env, &obj);
          napi_set_named_property(env, obj, "graphDef", buf);
          napi_set_named_property(env, obj, "grads", grads);
          result = obj;
        }
        TF_DeleteBuffer(out);
      }
    }
  }
  TF_DeleteGraph(graph);
  TF_DeleteStatus(status);
  return result;
}

struct SessionBox {
  TF_Graph* graph = nullptr;
  TF_Session* session = nullptr;
};

void FinalizeSession(napi_env, void* data, void*) {
  auto* box = static_cast<SessionBox*>(data);
  TF_Status* status = TF_NewStatus();
  if (box->session) {
    TF_CloseSession(box->session, status);
    TF_DeleteSession(box->session, status);
  }
  if (box->graph) TF_DeleteGraph(box->graph);
  TF_DeleteStatus(status);
  delete box;
}

// openSession(graphDef: Buffer, config: Buffer /* serialized ConfigProto */) -> handle
napi_value OpenSession(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  void* data = nullptr;
  size_t len = 0;
  CHECK_NAPI(napi_get_buffer_info(env, args[0], &data, &len));
  void* cfg = nullptr;
  size_t cfgLen = 0;
  CHECK_NAPI(napi_get_buffer_info(env, args[1], &cfg, &cfgLen));
  auto* box = new SessionBox();
  box->graph = TF_NewGraph();
  TF_Status* status = TF_NewStatus();
  napi_value result = nullptr;
  if (!ImportGraph(box->graph, data, len, status)) {
    result = ThrowTf(env, status, "importing the graph");
  } else {
    TF_SessionOptions* opts = TF_NewSessionOptions();
    TF_SetConfig(opts, cfg, cfgLen, status);
    if (TF_GetCode(status) == TF_OK) box->session = TF_NewSession(box->graph, opts, status);
    TF_DeleteSessionOptions(opts);
    if (TF_GetCode(status) != TF_OK) result = ThrowTf(env, status, "creating the session");
  }
  TF_DeleteStatus(status);
  if (result == nullptr && box->session) {
    napi_value ext;
    napi_create_external(env, box, FinalizeSession, nullptr, &ext);
    return ext;
  }
  FinalizeSession(env, box, nullptr);
  return result;
}

size_t DtypeSize(TF_DataType t) {
  switch (t) {
    case TF_FLOAT: case TF_INT32: return 4;
    case TF_INT64: case TF_DOUBLE: return 8;
    case TF_BOOL: case TF_UINT8: return 1;
    default: return 0;
  }
}

// run(session, feedNames: string[], feedDtypes: number[], feedShapes: number[][], feedData: TypedArray[],
//     fetchNames: string[], targetNames: string[]) -> { dtype, shape, data: ArrayBuffer }[]
napi_value Run(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value args[7];
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  SessionBox* box = nullptr;
  CHECK_NAPI(napi_get_value_external(env, args[0], reinterpret_cast<void**>(&box)));
  std::vector<std::string> feedNames = GetStrings(env, args[1]);
  std::vector<std::string> fetchNames = GetStrings(env, args[5]);
  std::vector<std::string> targetNames = GetStrings(env, args[6]);

  std::vector<TF_Output> feeds, fetches;
  std::vector<TF_Tensor*> feedValues;
  std::vector<TF_Operation*> targets;
  std::string error;
  for (size_t i = 0; i < feedNames.size() && error.empty(); i++) {
    TF_Output o = ParseOutput(box->graph, feedNames[i]);
    if (!o.oper) { error = "no tensor named " + feedNames[i]; break; }
    napi_value dt, shp, dat;
    napi_get_element(env, args[2], i, &dt);
    napi_get_element(env, args[3], i, &shp);
    napi_get_element(env, args[4], i, &dat);
    int32_t dtype = 0;
    napi_get_value_int32(env, dt, &dtype);
    int64_t count = 1;
    std::vector<int64_t> dims = GetDims(env, shp, &count);
    napi_typedarray_type ta;
    size_t length = 0, offset = 0;
    void* bytes = nullptr;
    napi_value ab;
    if (napi_get_typedarray_info(env, dat, &ta, &length, &bytes, &ab, &offset) != napi_ok) {
      error = "feed " + feedNames[i] + " is not a typed array";
      break;
    }
    size_t nbytes = DtypeSize((TF_DataType)dtype) * count;
    TF_Tensor* t = TF_AllocateTensor((TF_DataType)dtype, dims.data(), (int)dims.size(), nbytes);
    size_t have = tfscale::TypedArrayBytes(ta, length);
    if (have != nbytes || nbytes == 0) {
      TF_DeleteTensor(t);
      error = "feed " + feedNames[i] + " has " + std::to_string(have) + " bytes, its shape and dtype need " +
              std::to_string(nbytes);
      break;
    }
    std::memcpy(TF_TensorData(t), bytes, nbytes);
    feeds.push_back(o);
    feedValues.push_back(t);
  }
  for (auto& n : fetchNames) {
    if (!error.empty()) break;
    TF_Output o = ParseOutput(box->graph, n);
    if (!o.oper) error = "no tensor named " + n;
    fetches.push_back(o);
  }
  for (auto& n : targetNames) {
    if (!error.empty()) break;
    TF_Operation* op = TF_GraphOperationByName(box->graph, n.c_str());
    if (!op) error = "no operation named " + n;
    targets.push_back(op);
  }
  if (!error.empty()) {
    for (auto* t : feedValues) TF_DeleteTensor(t);
    napi_throw_error(env, nullptr, error.c_str());
    return nullptr;
  }
  std::vector<TF_Tensor*> outputs(fetches.size(), nullptr);
  TF_Status* status = TF_NewStatus();
  TF_SessionRun(box->session, nullptr, feeds.data(), feedValues.data(), (int)feeds.size(), fetches.data(),
                outputs.data(), (int)fetches.size(), targets.data(), (int)targets.size(), nullptr, status);
  for (auto* t : feedValues) TF_DeleteTensor(t);
  if (TF_GetCode(status) != TF_OK) {
    napi_value r = ThrowTf(env, status, "running the step");
    TF_DeleteStatus(status);
    return r;
  }
  TF_DeleteStatus(status);
  napi_value list;
  napi_create_array_with_length(env, outputs.size(), &list);
  for (size_t i = 0; i < outputs.size(); i++) {
    TF_Tensor* t = outputs[i];
    napi_set_element(env, list, i, tfscale::TensorToJs(env, t));
    TF_DeleteTensor(t);
  }
  return list;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"differentiate", nullptr, Differentiate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"openSession", nullptr, OpenSession, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"run", nullptr, Run, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, 3, props);
  RegisterServing(env, exports);
  napi_value version;
  napi_create_string_utf8(env, TF_Version(), NAPI_AUTO_LENGTH, &version);
  napi_set_named_property(env, exports, "tensorflowVersion", version);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
