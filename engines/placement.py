"""CPU placement on CPU nodes: the serving processes on a few cores, the engines' compute on the rest.

Why: vLLM's CPU engine runs its forward pass in OpenMP threads pinned to cores (a worker process per
rank), driven by a scheduler process that busy-polls while it waits for the worker. Ray and Serve's
processes (proxy, ingress, the pool replica that detokenizes, raylet, GCS, controller) are not pinned,
so Linux also runs them on the worker's core, and every CPU-millisecond they spend there stalls the
forward pass (vLLM's CPU docs: reserve cores for the serving framework). vLLM reserves a core for its
scheduler process; in the graph that core is also the serving core, and there the spinning scheduler
and the serving processes slow each other, so the scheduler goes next to its worker instead.
Measured on the 2-core machine (bench/README.md), the graph's tokens/s at concurrency 1 / 4 / 8: 15.2 /
48.9 / 79.2 unplaced, 17.0 / 61.2 / 92.2 with the scheduler on the serving core, 18.9 / 69.5 / 104.2
next to its worker.

How: `make serve` starts Ray confined to the serving cores (`taskset`), so every Ray process inherits
them. An engine must not inherit them: OpenMP refuses places outside the affinity it starts with. The
pool server (deployments/engines.py) therefore starts its engine inside `CpuPlacement.spawning_engine()`,
with the node's cores and `VLLM_CPU_OMP_THREADS_BIND` set to the compute cores, and afterwards moves
itself back to the serving cores and the engine's scheduler process (its direct child) to the compute
cores; the workers (grandchildren) keep the cores they bound. Timer-driven helper threads that carry
nothing for a one-rank engine (gloo's loops) go to the serving cores. Without a confined start (serving
cores == node cores) nothing changes.

Linux only (sched_setaffinity, /proc); elsewhere `CpuPlacement.current()` is never confined.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping

OMP_BIND_ENV = "VLLM_CPU_OMP_THREADS_BIND"  # vLLM's CPU worker pins its OpenMP threads to these cores
# Engine threads that wake on a timer and carry nothing when the engine has one rank. gloo's TCP transport
# runs an event loop per device of each process group (vLLM's CPU worker has 13), and each returns from
# epoll_wait every 10 ms: ~1,300 wakeups/s per worker, idle or not. On the compute core each wakeup
# preempts a forward pass: with the graph's two pools, ~8 % of tokens/s at concurrency 1 (bench/README.md).
IDLE_LOOP_THREADS = frozenset({"gloo_tcp_loop"})
CGROUP_CPUS = Path("/sys/fs/cgroup/cpuset.cpus.effective")


def parse_cpu_list(text: str) -> frozenset[int]:
    """Linux's CPU list syntax ("0-3,6", the cgroup and taskset format) -> CPU ids. ValueError if malformed."""
    cpus: set[int] = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        first, _, last = part.partition("-")
        cpus.update(range(int(first), int(last or first) + 1))
    return frozenset(cpus)


def format_cpu_list(cpus: Iterable[int]) -> str:
    """CPU ids -> Linux's CPU list syntax, ranges collapsed: {0, 1, 2, 5} -> "0-2,5"."""
    ordered, runs = sorted(set(cpus)), []
    for cpu in ordered:
        if runs and cpu == runs[-1][1] + 1:
            runs[-1][1] = cpu
        else:
            runs.append([cpu, cpu])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def node_cpus() -> frozenset[int]:
    """The CPUs this container may use: the cgroup's effective cpuset, else every CPU of the machine."""
    try:
        return parse_cpu_list(CGROUP_CPUS.read_text().strip()) or frozenset(range(os.cpu_count() or 1))
    except (OSError, ValueError):
        return frozenset(range(os.cpu_count() or 1))


def default_serving_cpus(node: Iterable[int]) -> frozenset[int]:
    """The serving cores `make serve` confines Ray to: the last quarter of the node's CPUs, at least one;
    none (no confinement) on a single-CPU node. vLLM's auto-binding reserves the last core(s) the same way."""
    ordered = sorted(node)
    if len(ordered) < 2:
        return frozenset()
    return frozenset(ordered[-max(1, len(ordered) // 4):])


def threads_of(pid: int) -> list[int]:
    """The thread ids of process `pid` (empty if it is gone)."""
    try:
        return [int(tid) for tid in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return []


def thread_name(pid: int, tid: int) -> str:
    """The kernel's name of thread `tid` of `pid` (its comm, at most 15 characters); "" if it is gone."""
    try:
        return Path(f"/proc/{pid}/task/{tid}/comm").read_text().strip()
    except OSError:
        return ""


def children_of(pid: int) -> list[int]:
    """The direct child processes of `pid`, from /proc/<pid>/task/*/children (Linux >= 3.5)."""
    children: list[int] = []
    for tid in threads_of(pid):
        try:
            children += [int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
        except OSError:
            continue
    return children


def descendants_of(pid: int) -> list[int]:
    """Every process below `pid` (children, their children, ...), parents before their children."""
    found, frontier = [], children_of(pid)
    while frontier:
        found += frontier
        frontier = [grandchild for child in frontier for grandchild in children_of(child)]
    return found


def pin_process(pid: int, cpus: Iterable[int], only: frozenset[str] | None = None) -> None:
    """Set the affinity of every thread of `pid` (sched_setaffinity acts on one thread; a process's
    threads keep their own masks), or only of those whose kernel name is in `only`. Threads that exit
    meanwhile are skipped."""
    cpus = set(cpus)
    for tid in threads_of(pid):
        if only is None or thread_name(pid, tid) in only:
            with contextlib.suppress(ProcessLookupError):
                os.sched_setaffinity(tid, cpus)


@dataclass(frozen=True)
class CpuPlacement:
    """Where this process's node runs serving work and engine compute.

    serving: the cores this process was started on (Ray's, inherited from `make serve`'s taskset).
    node: the cores the container may use. compute = node - serving. Confined when both are non-empty.
    """

    serving: frozenset[int]
    node: frozenset[int]

    @classmethod
    def current(cls) -> "CpuPlacement":
        """This process's placement."""
        return cls.of(0)

    @classmethod
    def of(cls, pid: int) -> "CpuPlacement":
        """The placement of process `pid`'s node, with its affinity as the serving cores (ProcessLookupError
        if it is gone). On a system without sched_getaffinity: never confined."""
        if not hasattr(os, "sched_getaffinity"):
            everything = frozenset(range(os.cpu_count() or 1))
            return cls(everything, everything)
        serving = frozenset(os.sched_getaffinity(pid))
        return cls(serving, node_cpus() | serving)

    @property
    def compute(self) -> frozenset[int]:
        return self.node - self.serving

    @property
    def confined(self) -> bool:
        return bool(self.serving) and bool(self.compute)

    def engine_env(self, env: Mapping[str, str], ranks: int = 1) -> dict[str, str]:
        """Environment to add for an engine spawned now: its OpenMP threads on the compute cores. Nothing
        when not confined, when the pool's env already binds them, or for more than one rank per node
        (tensor parallel: vLLM's per-rank "|" lists are the pool's to give)."""
        if not self.confined or OMP_BIND_ENV in env or ranks != 1:
            return {}
        return {OMP_BIND_ENV: format_cpu_list(self.compute)}

    @contextlib.contextmanager
    def spawning_engine(self, ranks: int = 1, engine_in_process: bool = False) -> Iterator[None]:
        """Run the block (an engine start) with this process on the node's cores and the engine's OpenMP
        binding in the environment; afterwards the process goes back to the serving cores and its direct
        children (vLLM's scheduler process) to the compute cores. Grandchildren (vLLM's workers) keep the
        cores they bound, except their idle loop threads (`confine_frontend`).
        `engine_in_process` (an engine computing in this process, the transformers engine): the process
        keeps the node's cores. A no-op when not confined."""
        if not self.confined:
            yield
            return
        pid = os.getpid()
        added = self.engine_env(os.environ, ranks)
        os.environ.update(added)
        pin_process(pid, self.node)
        try:
            yield
        finally:
            for key in added:
                os.environ.pop(key, None)
            self.confine_frontend(pid, keep_process=engine_in_process, ranks=ranks)

    def confine_frontend(self, pid: int, keep_process: bool = False, ranks: int = 1) -> None:
        """Once the engine has started: move `pid`, an engine's frontend (a pool replica, vLLM's API server),
        to the serving cores and its direct children (vLLM's scheduler process) to the compute cores, next
        to the workers they drive. With one rank, the engine's `IDLE_LOOP_THREADS` (no traffic between
        ranks to carry) go to the serving cores, where their wakeups no longer preempt the forward pass.
        `keep_process`: leave `pid` itself where it is. A no-op when not confined."""
        if not self.confined:
            return
        if not keep_process:
            pin_process(pid, self.serving)
        for child in children_of(pid):
            pin_process(child, self.compute)
        if ranks == 1:
            for process in [pid, *descendants_of(pid)]:
                pin_process(process, self.serving, only=IDLE_LOOP_THREADS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--default-serving-cpus", action="store_true",
                        help="print the CPU list `make serve` confines Ray to (empty: no confinement)")
    args = parser.parse_args(argv)
    if args.default_serving_cpus:
        print(format_cpu_list(default_serving_cpus(node_cpus())))


if __name__ == "__main__":
    main()
