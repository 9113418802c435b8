"""cluster/: the KubeRay RayService, the `ray up` config, the Prometheus scrape config and the Grafana
dashboard, checked against the project's serve config, its config validation and the metrics it exports."""

from __future__ import annotations

import ast
import json
import re
import subprocess
from pathlib import Path

import pytest
import ray
import yaml

import deployments.metrics
from deployments.config import load_app_config

REPO_ROOT = Path(__file__).resolve().parents[2]
CLUSTER = REPO_ROOT / "cluster"
METRIC_TYPES = {"Counter", "Histogram", "Gauge"}
# Ray Serve's own metrics the dashboard uses, with their labels (see cluster/METRICS.md).
SERVE_METRICS = {
    "ray_serve_deployment_replica_healthy": {"application", "deployment", "replica"},
    "ray_serve_autoscaling_target_replicas": {"application", "deployment"},
}
# Labels Ray Serve adds to every application metric, and the histogram bucket label.
SERVE_ADDED_LABELS = {"application", "deployment", "replica"}
METRICS_PORT = "8080"


def load_yaml(path: Path):
    return yaml.safe_load(path.read_text())


def application_metrics() -> dict[str, tuple[str, set[str]]]:
    """name -> (metric type, tag keys) of every Ray metric created in deployments/metrics.py, read from its
    source: Ray metrics can only be instantiated inside a Ray worker."""
    tree = ast.parse(Path(deployments.metrics.__file__).read_text())
    metrics = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in METRIC_TYPES:
            name = ast.literal_eval(node.args[0])  # raises if a name is not a literal: then this helper needs work
            tags = next((ast.literal_eval(k.value) for k in node.keywords if k.arg == "tag_keys"), ())
            metrics[name] = (node.func.id, set(tags))
    return metrics


def exported_names(name: str, metric_type: str) -> set[str]:
    """The series names Ray 2.60 exports for one metric (verified by scraping; see cluster/METRICS.md)."""
    if metric_type == "Counter":
        return {f"ray_{name}_total"}
    if metric_type == "Histogram":
        return {f"ray_{name}_{suffix}" for suffix in ("bucket", "sum", "count")}
    return {f"ray_{name}"}


def exported_labels() -> dict[str, set[str]]:
    """Every series name the dashboard may query -> the labels it carries."""
    labels = dict(SERVE_METRICS)
    for name, (metric_type, tags) in application_metrics().items():
        for exported in exported_names(name, metric_type):
            labels[exported] = tags | SERVE_ADDED_LABELS | ({"le"} if exported.endswith("_bucket") else set())
    return labels


def dashboard() -> dict:
    return json.loads((CLUSTER / "grafana_dashboard.json").read_text())


def dashboard_queries() -> list[tuple[str, str]]:
    return [(panel["title"], target["expr"]) for panel in dashboard()["panels"] for target in panel["targets"]]


def queried_metrics(expr: str) -> set[str]:
    return set(re.findall(r"\bray_\w+", expr))


# ---- metric names -------------------------------------------------------------------------------------


def test_application_metrics_are_read_from_metrics_py():
    metrics = application_metrics()
    assert metrics["llm_requests"] == ("Counter", {"route", "version", "route_reason", "status", "endpoint"})
    assert metrics["llm_stage_latency_ms"] == ("Histogram", {"stage", "route", "version"})
    source = Path(deployments.metrics.__file__).read_text()
    assert len(metrics) == len(re.findall(r"\b(?:Counter|Histogram|Gauge)\(", source)), "a metric was missed"


def test_metrics_md_lists_every_exported_application_metric():
    text = (CLUSTER / "METRICS.md").read_text()
    for name, (metric_type, _) in application_metrics().items():
        shown = {"Counter": f"ray_{name}_total", "Histogram": f"ray_{name}_bucket"}.get(metric_type, f"ray_{name}")
        assert f"`{shown}" in text, f"{shown} is missing from cluster/METRICS.md"
    for name in SERVE_METRICS:
        assert f"`{name}`" in text


# ---- KubeRay RayService -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rayservice() -> dict:
    return load_yaml(CLUSTER / "rayservice.yaml")


def groups(rayservice: dict) -> dict[str, dict]:
    cluster = rayservice["spec"]["rayClusterConfig"]
    return {"head": cluster["headGroupSpec"], **{g["groupName"]: g for g in cluster["workerGroupSpecs"]}}


def test_rayservice_is_a_kuberay_rayservice_on_this_ray_version(rayservice):
    assert rayservice["apiVersion"] == "ray.io/v1"
    assert rayservice["kind"] == "RayService"
    cluster = rayservice["spec"]["rayClusterConfig"]
    assert cluster["rayVersion"] == ray.__version__
    assert cluster["enableInTreeAutoscaling"] is True
    assert cluster["headGroupSpec"]["rayStartParams"]["num-cpus"] == "0", "replicas must not run on the head"
    images = {c["image"] for g in groups(rayservice).values() for c in g["template"]["spec"]["containers"]}
    assert len(images) == 1, f"every node must run the same image: {images}"


def test_serve_config_v2_is_the_gpu_serve_config(rayservice):
    serve_config = yaml.safe_load(rayservice["spec"]["serveConfigV2"])
    gpu_config = load_yaml(REPO_ROOT / "serve_config.gpu.yaml")
    assert serve_config == gpu_config, "serveConfigV2 differs from serve_config.gpu.yaml: copy it over"
    for application in serve_config["applications"]:
        load_app_config(application["args"], check_model_paths=False)


def test_every_node_exports_metrics_where_prometheus_looks(rayservice):
    for name, group in groups(rayservice).items():
        assert group["rayStartParams"]["metrics-export-port"] == METRICS_PORT, name
        annotations = group["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true" and annotations["prometheus.io/port"] == METRICS_PORT, name
        ports = {p["name"]: p["containerPort"] for p in group["template"]["spec"]["containers"][0]["ports"]}
        assert ports["metrics"] == int(METRICS_PORT), name


def test_each_pool_has_one_gpu_worker_group_that_fits_its_replicas(rayservice):
    # The autoscaler learns a group's custom resources (accelerator_type:*) only from its spec; read them as it does.
    from ray.autoscaler._private.kuberay.autoscaling_config import _get_custom_resources

    pools = load_yaml(REPO_ROOT / "serve_config.gpu.yaml")["applications"][0]["args"]["pools"]
    for pool_name, pool in pools.items():
        llm_config = pool["versions"][next(iter(pool["versions"]))]["llm_config"]
        bundles = llm_config["placement_group_config"]["bundles"]  # STRICT_PACK: one replica's bundles on one node
        needs_gpus, needs_cpus = sum(b.get("GPU", 0) for b in bundles), sum(b.get("CPU", 0) for b in bundles)
        accelerator = llm_config["accelerator_type"]
        autoscaling = llm_config["deployment_config"]["autoscaling_config"]
        fitting = []
        for name, group in groups(rayservice).items():
            if name == "head":
                continue
            limits = group["template"]["spec"]["containers"][0]["resources"]["limits"]
            gpus, cpus = int(limits.get("nvidia.com/gpu", 0)), int(limits["cpu"])
            custom = _get_custom_resources({}, group["rayStartParams"], name)
            if gpus >= needs_gpus and cpus >= needs_cpus and custom.get(f"accelerator_type:{accelerator}"):
                fitting.append((name, group, gpus // needs_gpus))
        assert len(fitting) == 1, f"pool {pool_name}: worker groups that fit its replicas: {[f[0] for f in fitting]}"
        name, group, replicas_per_pod = fitting[0]
        assert group["template"]["spec"]["nodeSelector"], f"{name}: GPU pods need a nodeSelector for their GPU type"
        assert group["maxReplicas"] * replicas_per_pod >= autoscaling["max_replicas"], f"{name} cannot hold {pool_name}'s max"
        assert group["minReplicas"] * replicas_per_pod >= autoscaling["min_replicas"], f"{name} starts below {pool_name}'s min"


# ---- ray up (AWS) -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ray_up() -> dict:
    return load_yaml(CLUSTER / "ray_up.yaml")


def test_ray_up_config_passes_rays_own_validation(ray_up):
    from ray.autoscaler._private.util import prepare_config, validate_config

    validate_config(prepare_config(ray_up))  # what `ray up` runs first
    assert ray_up["provider"]["type"] == "aws"
    assert set(ray_up["available_node_types"]) == {
        "ray.head.default", "ray.worker.cpu", "ray.worker.small_pool", "ray.worker.large_pool"
    }
    assert ray_up["available_node_types"]["ray.head.default"]["resources"] == {"CPU": 0}
    for name, node_type in ray_up["available_node_types"].items():
        if name != ray_up["head_node_type"]:
            assert 0 < node_type["max_workers"] and node_type["min_workers"] <= node_type["max_workers"], name


def test_ray_up_installs_the_project_and_exports_metrics(ray_up):
    assert ray_up["docker"]["image"].startswith(f"rayproject/ray:{ray.__version__}-")
    assert ray_up["file_mounts"]["~/llm-serve"] == "."
    assert any("pip install" in c and "~/llm-serve" in c and "vllm" in c for c in ray_up["setup_commands"])
    head_start = " ".join(ray_up["head_start_ray_commands"])
    worker_start = " ".join(ray_up["worker_start_ray_commands"])
    assert "ray start --head" in head_start and "--num-cpus=0" in head_start
    assert "ray start --address=$RAY_HEAD_IP:6379" in worker_start
    for command in (head_start, worker_start):
        assert f"--metrics-export-port={METRICS_PORT}" in command


# ---- Prometheus and Grafana ---------------------------------------------------------------------------


def test_prometheus_scrapes_the_nodes_ray_lists():
    config = load_yaml(CLUSTER / "prometheus.yml")
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    files = [f for sd in jobs["ray"]["file_sd_configs"] for f in sd["files"]]
    assert files == ["/tmp/ray/prom_metrics_service_discovery.json"]


def test_dashboard_structure():
    board = dashboard()
    variables = {v["name"]: v for v in board["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"
    ids = [panel["id"] for panel in board["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for panel in board["panels"]:
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, panel["title"]
        assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24, panel["title"]
        ref_ids = [target["refId"] for target in panel["targets"]]
        assert ref_ids and len(ref_ids) == len(set(ref_ids)), panel["title"]
        assert all(target["expr"].strip() for target in panel["targets"]), panel["title"]


def test_dashboard_queries_only_exported_series_and_their_labels():
    labels = exported_labels()
    for title, expr in dashboard_queries():
        metrics = queried_metrics(expr)
        assert metrics, f"{title}: query names no metric: {expr}"
        unknown = metrics - set(labels)
        assert not unknown, f"{title}: {sorted(unknown)} are not exported (see cluster/METRICS.md)"
        known_labels = set().union(*(labels[m] for m in metrics))
        for group in re.findall(r"\bby \(([^)]*)\)", expr) + re.findall(r"(\w+)\s*(?:=~|!=|!~|=)\s*\"", expr):
            for label in (name.strip() for name in group.split(",")):
                assert label in known_labels, f"{title}: label {label!r} is not on {sorted(metrics)}"
        if "histogram_quantile" in expr:
            assert all(m.endswith("_bucket") for m in metrics) and re.search(r"by \(le\b", expr), f"{title}: {expr}"


def test_dashboard_shows_every_application_metric_and_replica_counts():
    queried = set().union(*(queried_metrics(expr) for _, expr in dashboard_queries()))
    for name, (metric_type, _) in application_metrics().items():
        assert exported_names(name, metric_type) & queried, f"no panel shows {name}"
    assert set(SERVE_METRICS) <= queried


# ---- local cluster script -----------------------------------------------------------------------------


def test_local_cluster_script_refuses_unknown_commands():
    run = subprocess.run([str(CLUSTER / "local_cluster.sh"), "restart"], capture_output=True, text=True)
    assert run.returncode == 2 and "usage" in run.stderr


def test_every_node_gets_the_cache_key_the_gpu_config_requires(rayservice, ray_up):
    """serve_config.gpu.yaml seals cache entries (encryption: required); its replicas can land on any node,
    so every container (KubeRay) and every `ray start` (ray up) gets LLM_SERVE_CACHE_KEY."""
    config = load_app_config(yaml.safe_load((REPO_ROOT / "serve_config.gpu.yaml").read_text())["applications"][0]["args"],
                             check_model_paths=False)
    assert config.cache.cache.backend == "redis" and config.cache.cache.encryption == "required"
    cluster = rayservice["spec"]["rayClusterConfig"]
    templates = [cluster["headGroupSpec"]["template"], *(g["template"] for g in cluster["workerGroupSpecs"])]
    for template in templates:
        for container in template["spec"]["containers"]:
            keys = [e for e in container.get("env", []) if e["name"] == config.cache.cache.encryption_key_env]
            assert keys and keys[0]["valueFrom"]["secretKeyRef"]["name"] == "llm-serve-cache-key", container["name"]
    for command in [*ray_up["head_start_ray_commands"], *ray_up["worker_start_ray_commands"]]:
        if "ray start" in command:
            assert "LLM_SERVE_CACHE_KEY=$(cat ~/llm-serve-cache-key) ray start" in command
    assert "~/llm-serve-cache-key" in ray_up["file_mounts"]
