"""Checks compiled pipelines for test/pipeline-compile.test.ts and prints what it found as JSON.

  kfp <ir.json> <pipeline_spec.proto> [platform.json]
                                        protobuf's JSON parser into ml_pipelines.PipelineSpec, its
                                        deploymentSpec into PipelineDeploymentConfig and the optional
                                        second document into PlatformSpec (unknown fields or wrong
                                        types raise); the task graph, executors and platform config
  airflow <dag.py>                      ast: the tasks (_task(id, argv)) and `a >> b` edges
"""
import ast
import importlib
import json
import os
import sys
import tempfile

if sys.argv[1] == "kfp":
    import grpc_tools
    from google.protobuf import json_format
    from grpc_tools import protoc

    proto = os.path.abspath(sys.argv[3])
    out = tempfile.mkdtemp()
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    rc = protoc.main(["protoc", f"-I{os.path.dirname(proto)}", f"-I{include}", f"--python_out={out}", proto])
    assert rc == 0, "protoc failed"
    sys.path.insert(0, out)
    pb = importlib.import_module(os.path.basename(proto)[: -len(".proto")] + "_pb2")
    doc = json.load(open(sys.argv[2]))
    spec = json_format.ParseDict(doc, pb.PipelineSpec())
    deployment = json_format.ParseDict(doc["deploymentSpec"], pb.PipelineDeploymentConfig())
    tasks = {
        name: {"component": t.component_ref.name, "deps": list(t.dependent_tasks)}
        for name, t in spec.root.dag.tasks.items()
    }
    components = {name: c.executor_label for name, c in spec.components.items()}
    executors = {
        label: {"image": e.container.image, "argv": list(e.container.command) + list(e.container.args)}
        for label, e in deployment.executors.items()
    }
    for label, e in deployment.executors.items():
        executors[label]["env"] = {v.name: v.value for v in e.container.env}
    platform = {}
    if len(sys.argv) > 4:
        ps = json_format.ParseDict(json.load(open(sys.argv[4])), pb.PlatformSpec())
        platform = json_format.MessageToDict(ps.platforms["kubernetes"].deployment_spec)["executors"]
    print(json.dumps({"name": spec.pipeline_info.name, "schema": spec.schema_version, "tasks": tasks,
                      "components": components, "executors": executors, "platform": platform}))
else:
    tree = ast.parse(open(sys.argv[2]).read())
    tasks, edges, names = {}, [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            call = node.value
            if isinstance(call.func, ast.Name) and call.func.id == "_task":
                task_id = ast.literal_eval(call.args[0])
                names[node.targets[0].id] = task_id
                tasks[task_id] = ast.literal_eval(call.args[1])
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id in ("PVC", "MOUNT_PATH"):
            names["$" + node.targets[0].id] = ast.literal_eval(node.value)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.RShift):
            edges.append([node.left.id, node.right.id])
    print(json.dumps({"tasks": tasks, "edges": [[names[a], names[b]] for a, b in edges],
                      "pvc": names.get("$PVC"), "mount_path": names.get("$MOUNT_PATH")}))
