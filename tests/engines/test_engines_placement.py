"""engines/placement.py: CPU lists, the default serving cores, and an engine start in a confined process
(real processes: a child that starts a grandchild, as a pool replica starts vLLM's scheduler and worker)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engines.placement import OMP_BIND_ENV, CpuPlacement, default_serving_cpus, format_cpu_list, node_cpus, parse_cpu_list

REPO = Path(__file__).resolve().parents[2]


@given(st.frozensets(st.integers(min_value=0, max_value=300)))
def test_cpu_lists_round_trip(cpus):
    assert parse_cpu_list(format_cpu_list(cpus)) == cpus


@pytest.mark.parametrize("text, cpus", [("0-2,5", {0, 1, 2, 5}), ("7", {7}), ("", set()), ("3,1-2\n", {1, 2, 3})])
def test_parse_cpu_list_reads_linux_syntax(text, cpus):
    assert parse_cpu_list(text) == cpus


def test_format_collapses_runs():
    assert format_cpu_list({5, 0, 1, 2, 9, 10}) == "0-2,5,9-10"


@pytest.mark.parametrize("node, serving", [(range(1), set()), (range(2), {1}), (range(8), {6, 7}), (range(16), {12, 13, 14, 15}),
                                           ([2, 3, 8, 9], {9})])
def test_default_serving_cpus_are_the_last_quarter(node, serving):
    assert default_serving_cpus(node) == serving


def test_engine_env_binds_the_compute_cores_only_when_confined():
    confined = CpuPlacement(frozenset({3}), frozenset({0, 1, 2, 3}))
    assert confined.confined and confined.compute == {0, 1, 2}
    assert confined.engine_env({}) == {OMP_BIND_ENV: "0-2"}
    assert confined.engine_env({OMP_BIND_ENV: "1"}) == {}  # the pool's own binding wins
    assert confined.engine_env({}, ranks=2) == {}  # per-rank lists are the pool's to give
    everything = frozenset({0, 1, 2, 3})
    assert not CpuPlacement(everything, everything).confined
    assert CpuPlacement(everything, everything).engine_env({}) == {}


def test_current_placement_is_this_process():
    here = CpuPlacement.current()
    assert here.serving == os.sched_getaffinity(0) and here.serving <= here.node
    assert node_cpus()  # never empty


# A "replica" confined to the last CPU starts an "engine" (a child that starts its own worker child) inside
# spawning_engine, and reports the affinities and environment seen during and after the start.
_ENGINE_START = textwrap.dedent("""
    import json, os, subprocess, sys, time
    from engines.placement import CpuPlacement, OMP_BIND_ENV, children_of

    in_process = sys.argv[1] == "in-process"
    node = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {node[-1]})  # what `taskset` does to Ray
    placement = CpuPlacement.current()
    ranks = int(sys.argv[2])
    # The engine: inherits the environment and affinity of the moment it starts, starts its worker. The
    # worker runs a thread named as gloo names its event loops, and prints its pid and that thread's id.
    worker_code = (
        "import os, threading, time;"
        "t = threading.Thread(target=time.sleep, args=(60,), daemon=True); t.start();"
        "open(f'/proc/self/task/{t.native_id}/comm', 'w').write('gloo_tcp_loop');"
        "print(os.getpid(), t.native_id, flush=True); time.sleep(60)"
    )
    engine_code = f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {worker_code!r}]); time.sleep(60)"
    with placement.spawning_engine(ranks, engine_in_process=in_process):
        during = {"self": sorted(os.sched_getaffinity(0)), "env": os.environ.get(OMP_BIND_ENV)}
        engine = subprocess.Popen([sys.executable, "-c", engine_code], stdout=subprocess.PIPE, text=True)
        worker, loop = map(int, engine.stdout.readline().split())
    after = {
        "self": sorted(os.sched_getaffinity(0)),
        "engine": sorted(os.sched_getaffinity(engine.pid)),
        "worker": sorted(os.sched_getaffinity(worker)),
        "worker_loop": sorted(os.sched_getaffinity(loop)),
        "env": os.environ.get(OMP_BIND_ENV),
        "children": children_of(os.getpid()),
        "engine_pid": engine.pid,
    }
    subprocess.run(["kill", str(worker), str(engine.pid)])
    print(json.dumps({"node": node, "during": during, "after": after}))
""")


def _start_engine(mode: str, ranks: int = 1) -> dict:
    env = {k: v for k, v in os.environ.items() if k != OMP_BIND_ENV}
    done = subprocess.run([sys.executable, "-c", _ENGINE_START, mode, str(ranks)], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs to place serving and compute apart")
def test_an_engine_started_in_a_confined_replica_computes_on_the_other_cores():
    seen = _start_engine("subprocesses")
    node, serving = seen["node"], seen["node"][-1:]
    compute = format_cpu_list(set(node) - set(serving))
    assert seen["during"] == {"self": node, "env": compute}  # the engine starts with the node and its binding
    assert seen["after"]["self"] == serving  # the replica is back on the serving cores
    assert seen["after"]["engine"] == sorted(set(node) - set(serving))  # the scheduler process joins the compute cores
    assert seen["after"]["worker"] == node  # the worker keeps what it bound (here: everything it inherited)
    assert seen["after"]["worker_loop"] == serving  # ... but its idle gloo loop leaves the compute cores
    assert seen["after"]["env"] is None  # the binding is not left behind for later processes
    assert seen["after"]["engine_pid"] in seen["after"]["children"]


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs to place serving and compute apart")
def test_a_tensor_parallel_engine_keeps_its_loops_with_its_workers():
    seen = _start_engine("subprocesses", ranks=2)  # gloo's loops carry the ranks' traffic then
    assert seen["after"]["worker_loop"] == seen["after"]["worker"] == seen["node"]
    assert seen["during"]["env"] is None  # more than one rank: the pool gives the OpenMP binding


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs to place serving and compute apart")
def test_an_engine_computing_in_the_replica_keeps_the_node():
    seen = _start_engine("in-process")
    assert seen["after"]["self"] == seen["node"]
    assert seen["after"]["engine"] == seen["node"][:-1]


def test_an_unconfined_start_changes_nothing():
    everything = frozenset(os.sched_getaffinity(0))
    before = dict(os.environ)
    with CpuPlacement(everything, everything).spawning_engine():
        assert os.environ.get(OMP_BIND_ENV) == before.get(OMP_BIND_ENV)
    assert os.sched_getaffinity(0) == everything and dict(os.environ) == before
