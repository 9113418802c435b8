"""Independent autoscaling of the two pools, on a local multi-node Ray cluster (cluster/local_cluster.sh).

The real application graph runs with both pools on the fixed-latency test engine, each pool pinned to its
own worker node. Load goes to the small pool only: the small pool must scale out while the large pool
stays at its minimum, and both must come back to one replica once the load stops.

The deploy-and-load part runs in a subprocess (autoscaling_driver.py): this pytest process may already
hold its own in-process Ray cluster (tests/conftest.py's deployed_app).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.ports import free_port

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
LOCAL_CLUSTER = REPO_ROOT / "cluster" / "local_cluster.sh"
DRIVER = Path(__file__).with_name("autoscaling_driver.py")
TIMELINE_FILE = Path(tempfile.gettempdir()) / "llm-serve-autoscaling-timeline.txt"
DRIVER_TIMEOUT_S = 480
DASHBOARD = REPO_ROOT / "cluster" / "grafana_dashboard.json"
# Series this deployment never produces: the fact checker is off and no component fails.
NOT_EXERCISED = {
    "ray_llm_validation_verdicts_total", "ray_llm_escalations_total", "ray_llm_fallbacks_total",
    # the cache deployment is off here; tests/deployments/test_metrics.py sees these exported with it on
    "ray_llm_cache_entries", "ray_llm_cache_bytes", "ray_llm_cache_evictions_total", "ray_llm_cache_backend_bypassed_total",
    # tenancy, guardrails and canaries are off here and nothing fails over or is rated; tests/cluster/test_prometheus.py
    # runs every dashboard query against a real Prometheus scraping the session's full graph
    "ray_llm_refusals_total", "ray_llm_tenant_budget_remaining_usd", "ray_llm_tenant_budget_remaining_ratio",
    "ray_llm_guardrail_findings_total", "ray_llm_canary_rollbacks_total", "ray_llm_failovers_total",
    "ray_llm_feedback_score_sum", "ray_llm_feedback_score_count",
}



def _free_port_block(size: int = 300) -> int:
    """The first port of `size` consecutive free ports below the ephemeral range (local_cluster.sh gives each
    node 100 of them), picked at random so that two test runs on one machine do not collide."""
    bases = list(range(20000, 32000 - size, size))
    random.shuffle(bases)
    for base in bases:
        try:
            for port in range(base, base + size):
                with socket.socket() as sock:
                    sock.bind(("0.0.0.0", port))
        except OSError:
            continue
        return base
    raise RuntimeError(f"no {size} consecutive free ports between 20000 and 32000")


@pytest.fixture
def local_cluster(request):
    """The cluster's address; the cluster is stopped afterwards whatever happened. Its own directory and
    ports, so neither a default cluster, `local_cluster.sh start`, nor another run of this test is touched.
    The directory (Ray's logs) is kept when the test fails."""
    cluster_dir = f"/tmp/llm-serve-autoscaling-{os.getpid()}"
    failures_before = request.session.testsfailed
    env = {
        **os.environ,
        "LOCAL_CLUSTER_DIR": cluster_dir,
        "LOCAL_CLUSTER_GCS_PORT": str(free_port()),
        "LOCAL_CLUSTER_DASHBOARD_PORT": str(free_port()),
        "LOCAL_CLUSTER_PORT_BASE": str(_free_port_block()),
    }
    try:
        started = subprocess.run([str(LOCAL_CLUSTER), "start"], env=env, capture_output=True, text=True, timeout=180)
        assert started.returncode == 0, f"local_cluster.sh start failed:\n{started.stdout}\n{started.stderr}"
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([str(LOCAL_CLUSTER), "stop"], env=env, capture_output=True, timeout=120)
        if request.session.testsfailed == failures_before:
            shutil.rmtree(cluster_dir, ignore_errors=True)
        else:
            print(f"Ray logs of the failed run: {cluster_dir}", file=sys.stderr)


def format_timeline(timeline: list[dict]) -> str:
    """One line per change of phase or replica counts (and the last sample); counts are running/all."""
    lines = ["   t(s)  phase  SmallPool  LargePool   (replicas running/all, all = incl. starting and stopping)"]
    previous = None
    for index, sample in enumerate(timeline):
        key = (sample["phase"], sample["small"], sample["small_all"], sample["large"], sample["large_all"])
        if key != previous or index == len(timeline) - 1:
            lines.append(
                f"{sample['t']:7.1f}  {sample['phase']:5}  {sample['small']:>5}/{sample['small_all']:<3}"
                f"  {sample['large']:>5}/{sample['large_all']:<3}"
            )
        previous = key
    return "\n".join(lines)


def test_small_pool_scales_out_and_back_while_large_pool_stays_at_minimum(local_cluster, model_dir, capsys):
    run = subprocess.run(
        [sys.executable, str(DRIVER), "--address", local_cluster, "--model-dir", str(model_dir),
         "--http-port", str(free_port())],
        cwd=REPO_ROOT,  # the replicas import tests.fakes from the driver's working directory
        env={**os.environ, "RAY_AUTH_MODE": "disabled"},
        capture_output=True,
        text=True,
        timeout=DRIVER_TIMEOUT_S,
    )
    assert run.returncode == 0, f"driver failed (rc {run.returncode}):\n{run.stderr[-6000:]}"
    result = json.loads(run.stdout.strip().splitlines()[-1])
    timeline = result["timeline"]
    report = (
        f"deployed in {result['deploy_s']} s; requests by status {result['statuses']}; "
        f"replica nodes {result['placement']}\n{format_timeline(timeline)}"
    )
    TIMELINE_FILE.write_text(report + "\n\nall samples:\n" + json.dumps(timeline, indent=1) + "\n")
    with capsys.disabled():
        print(f"\nautoscaling timeline (all samples in {TIMELINE_FILE}):\n{report}", file=sys.stderr)

    load = [sample for sample in timeline if sample["phase"] == "load"]
    assert max(sample["small"] for sample in load) > 1, f"the small pool never scaled out\n{report}"
    assert all(sample["large"] == 1 and sample["large_all"] == 1 for sample in timeline), (
        f"the large pool left its minimum of 1 replica without load\n{report}"
    )
    assert result["settled"], f"the pools did not return to 1 replica each after the load\n{report}"
    assert list(result["statuses"]) == ["200"], f"not every request succeeded\n{report}"
    # Each pool's replicas ran on the worker node that carries its resource, and only there.
    assert result["placement"]["small"] and all(nodes == ["small_pool"] for nodes in result["placement"]["small"]), report
    assert result["placement"]["large"] and all(nodes == ["large_pool"] for nodes in result["placement"]["large"]), report
    # The dashboard queries series that a real deployment exports (names as Ray writes them).
    queried = {
        name
        for panel in json.loads(DASHBOARD.read_text())["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\bray_\w+", target["expr"])
    }
    missing = queried - NOT_EXERCISED - set(result["exported_metrics"])
    assert not missing, f"the dashboard queries {sorted(missing)}, which the cluster did not export"
