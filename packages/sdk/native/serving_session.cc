// Serving sessions: a SavedModel loaded with TF_LoadSessionFromSavedModel and run either on the JS
// thread (lowest latency) or on libuv's pool (the JS thread keeps parsing and answering requests
// while TensorFlow computes; several runs may overlap, DirectSession::Run is thread-safe).
// Every dtype crosses as raw bytes except strings (TF_TString <-> one Buffer per element).

#include "napi_tf.h"
#include "serving_tensors.h"

#include <chrono>
#include <string>
#ifdef __linux__
#include <sched.h>
#endif
#include <vector>

namespace {

struct ServingSession {
  TF_Graph* graph = nullptr;
  TF_Session* session = nullptr;
  int inflight = 0;      // async runs queued or running (JS thread only)
  bool closing = false;  // close() was called; the last run deletes the session
};

void DeleteSession(ServingSession* s) {
  TF_Status* status = TF_NewStatus();
  if (s->session) {
    TF_CloseSession(s->session, status);
    TF_DeleteSession(s->session, status);
    s->session = nullptr;
  }
  if (s->graph) TF_DeleteGraph(s->graph);
  s->graph = nullptr;
  TF_DeleteStatus(status);
}

void FinalizeServing(napi_env, void* data, void*) {
  auto* s = static_cast<ServingSession*>(data);
  DeleteSession(s);
  delete s;
}

// A feed/fetch list resolved once per signature, so runs pass no names.
struct Prepared {
  ServingSession* owner;
  napi_ref ownerRef;
  std::vector<TF_Output> feeds, fetches;
};

void FinalizePrepared(napi_env env, void* data, void*) {
  auto* p = static_cast<Prepared*>(data);
  napi_delete_reference(env, p->ownerRef);
  delete p;
}

napi_value Throw(napi_env env, const std::string& msg, int code) {
  napi_value m, c, err;
  napi_create_string_utf8(env, msg.c_str(), msg.size(), &m);
  napi_create_error(env, nullptr, m, &err);
  napi_create_int32(env, code, &c);
  napi_set_named_property(env, err, "tfCode", c);
  napi_throw(env, err);
  return nullptr;
}

napi_value StatusError(napi_env env, TF_Status* st) {
  napi_value m, c, err;
  const char* msg = TF_Message(st);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
  napi_create_error(env, nullptr, m, &err);
  napi_create_int32(env, TF_GetCode(st), &c);
  napi_set_named_property(env, err, "tfCode", c);
  return err;
}

// loadServingSession(dir, tags: string[], config: Uint8Array) -> handle
napi_value Load(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  std::string dir = tfscale::GetString(env, args[0]);
  uint32_t ntags = 0;
  napi_get_array_length(env, args[1], &ntags);
  std::vector<std::string> tags(ntags);
  std::vector<const char*> tagPtrs(ntags);
  for (uint32_t i = 0; i < ntags; i++) {
    napi_value t;
    napi_get_element(env, args[1], i, &t);
    tags[i] = tfscale::GetString(env, t);
    tagPtrs[i] = tags[i].c_str();
  }
  void* cfg = nullptr;
  size_t cfgLen = 0;
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  CHECK_NAPI(napi_get_typedarray_info(env, args[2], &type, &cfgLen, &cfg, &ab, &offset));

  auto* s = new ServingSession();
  s->graph = TF_NewGraph();
  TF_Status* st = TF_NewStatus();
  TF_SessionOptions* opts = TF_NewSessionOptions();
  if (cfgLen) TF_SetConfig(opts, cfg, cfgLen, st);
  if (TF_GetCode(st) == TF_OK)
    s->session = TF_LoadSessionFromSavedModel(opts, nullptr, dir.c_str(), tagPtrs.data(), (int)ntags, s->graph,
                                              nullptr, st);
  TF_DeleteSessionOptions(opts);
  if (TF_GetCode(st) != TF_OK || !s->session) {
    std::string msg = TF_Message(st);
    int code = TF_GetCode(st);
    TF_DeleteStatus(st);
    FinalizeServing(env, s, nullptr);
    return Throw(env, msg, code);
  }
  TF_DeleteStatus(st);
  napi_value ext;
  CHECK_NAPI(napi_create_external(env, s, FinalizeServing, nullptr, &ext));
  return ext;
}

bool Resolve(napi_env env, TF_Graph* g, napi_value arr, std::vector<TF_Output>* out, std::string* err) {
  for (const std::string& name : tfscale::GetStrings(env, arr)) {
    TF_Output o = tfscale::ParseOutput(g, name);
    if (!o.oper) {
      *err = "the graph has no tensor named " + name;
      return false;
    }
    out->push_back(o);
  }
  return true;
}

// prepareServing(handle, feedNames: string[], fetchNames: string[]) -> prepared
napi_value Prepare(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  ServingSession* s = nullptr;
  CHECK_NAPI(napi_get_value_external(env, args[0], reinterpret_cast<void**>(&s)));
  if (!s->session || s->closing) return Throw(env, "the session is closed", 14);
  auto* p = new Prepared();
  p->owner = s;
  std::string err;
  if (!Resolve(env, s->graph, args[1], &p->feeds, &err) || !Resolve(env, s->graph, args[2], &p->fetches, &err)) {
    delete p;
    return Throw(env, err, 3);
  }
  napi_create_reference(env, args[0], 1, &p->ownerRef);
  napi_value ext;
  CHECK_NAPI(napi_create_external(env, p, FinalizePrepared, nullptr, &ext));
  return ext;
}

// closeServing(handle): frees the session now, or after the runs still in flight.
napi_value Close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr));
  ServingSession* s = nullptr;
  CHECK_NAPI(napi_get_value_external(env, arg, reinterpret_cast<void**>(&s)));
  s->closing = true;
  if (s->inflight == 0) DeleteSession(s);
  return nullptr;
}

// One run's tensors and result; lives from the call to its completion.
struct Call {
  Prepared* prepared = nullptr;
  napi_ref preparedRef = nullptr;
  std::vector<TF_Tensor*> inputs, outputs;
  TF_Status* status = nullptr;
  double runMicros = 0;  // TF_SessionRun alone, for the caller's inline/off-thread choice
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;

  ~Call() {
    for (auto* t : inputs) tfscale::DeleteInput(t);
    for (auto* t : outputs)
      if (t) TF_DeleteTensor(t);
    if (status) TF_DeleteStatus(status);
  }
};

void Execute(napi_env, void* data) {
#ifdef __linux__
  // SCHED_BATCH: a woken worker does not preempt the running JS thread (CFS skips wakeup
  // preemption for batch threads), so handing a run over no longer stalls the thread that reads
  // and answers requests. MLP over REST at c=64, 2 cores: hand-off 21-27 -> 12-16 us.
  static thread_local bool batch = false;
  if (!batch) {
    batch = true;
    sched_param param{};
    sched_setscheduler(0, SCHED_BATCH, &param);
  }
#endif
  auto* c = static_cast<Call*>(data);
  Prepared* p = c->prepared;
  auto start = std::chrono::steady_clock::now();
  TF_SessionRun(p->owner->session, nullptr, p->feeds.data(), c->inputs.data(), (int)p->feeds.size(),
                p->fetches.data(), c->outputs.data(), (int)p->fetches.size(), nullptr, 0, nullptr, c->status);
  c->runMicros = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
}

void Finish(napi_env env, Call* c) {
  ServingSession* s = c->prepared->owner;
  if (--s->inflight == 0 && s->closing) DeleteSession(s);
  napi_delete_reference(env, c->preparedRef);
  delete c;
}

void Complete(napi_env env, napi_status, void* data) {
  auto* c = static_cast<Call*>(data);
  if (TF_GetCode(c->status) == TF_OK) {
    napi_resolve_deferred(env, c->deferred, tfscale::OutputsToJs(env, c->outputs, c->runMicros));
  } else {
    napi_reject_deferred(env, c->deferred, StatusError(env, c->status));
  }
  napi_delete_async_work(env, c->work);
  Finish(env, c);
}

// runServing(prepared, dtypes: number[], shapes: number[][], data: (TypedArray | Uint8Array[])[], async: boolean)
//   -> { dtype, shape, data: ArrayBuffer | Buffer[] }[] with .runMicros  (a Promise of it when async)
napi_value RunServing(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value args[5];
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  Prepared* p = nullptr;
  CHECK_NAPI(napi_get_value_external(env, args[0], reinterpret_cast<void**>(&p)));
  bool async = false;
  napi_get_value_bool(env, args[4], &async);
  ServingSession* s = p->owner;
  if (!s->session || s->closing) return Throw(env, "The servable was unloaded.", 14);
  auto* c = new Call();
  c->prepared = p;
  std::string err;
  for (size_t i = 0; i < p->feeds.size(); i++) {
    napi_value dt, shape, data;
    napi_get_element(env, args[1], i, &dt);
    napi_get_element(env, args[2], i, &shape);
    napi_get_element(env, args[3], i, &data);
    int32_t dtype = 0;
    napi_get_value_int32(env, dt, &dtype);
    TF_Tensor* t = tfscale::MakeTensor(env, dtype, shape, data, &err);
    if (!t) {
      delete c;
      return Throw(env, err, 3);
    }
    c->inputs.push_back(t);
  }
  c->outputs.assign(p->fetches.size(), nullptr);
  c->status = TF_NewStatus();
  s->inflight++;
  napi_create_reference(env, args[0], 1, &c->preparedRef);
  if (!async) {
    Execute(env, c);
    napi_value result = nullptr;
    if (TF_GetCode(c->status) == TF_OK) {
      result = tfscale::OutputsToJs(env, c->outputs, c->runMicros);
    } else {
      napi_throw(env, StatusError(env, c->status));
    }
    Finish(env, c);
    return result;
  }
  napi_value promise, name;
  napi_create_promise(env, &c->deferred, &promise);
  napi_create_string_utf8(env, "tfscale.serving.run", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, nullptr, name, Execute, Complete, c, &c->work);
  napi_queue_async_work(env, c->work);
  return promise;
}

}  // namespace

// Adds the serving functions to the addon's exports (called from tfscale_graph.cc's Init).
void RegisterServing(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"loadServingSession", nullptr, Load, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"prepareServing", nullptr, Prepare, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"runServing", nullptr, RunServing, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"closeServing", nullptr, Close, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, 4, props);
}
