"""The run's markdown report and the routing plot (matplotlib, PNG)."""

from __future__ import annotations

import math
from pathlib import Path


def _fmt(value, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return "∞"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _share(value) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _metric_rows(results: dict, task: str) -> list[str]:
    rows = []
    for key, m in results["metrics"].items():
        name_task, pool, metric = key.split("/", 2)
        if name_task != task:
            continue
        interval = "" if m["method"] == "none" else f"[{_fmt(m['low'])}, {_fmt(m['high'])}] ({m['method']})"
        rows.append(f"| {pool} | {metric} | {_fmt(m['value'])} | {interval} | {m['n']} |")
    return rows


def curve_table(curve: dict, weak: str, strong: str, rows: int = 11) -> list[str]:
    """The curve at about every 10 % of strong calls (the first point at or past each step), plus the
    deployment's threshold."""
    points = curve["points"]
    picked = []
    for step in range(rows):
        target = step / (rows - 1)
        point = next((p for p in points if p["strong_share"] >= target - 1e-9), points[-1])
        if point not in picked:
            picked.append(point)
    lines = [f"| threshold | {strong} calls | quality | cost / 1k prompts (USD) | PGR |", "|---|---|---|---|---|"]
    for point in picked:
        lines.append(f"| {_fmt(point['threshold'])} | {_share(point['strong_share'])} | {_fmt(point['quality'])} | "
                     f"{point['cost_per_1k']:.5f} | {_fmt(point['pgr'])} |")
    if curve["current"] is not None:
        c = curve["current"]
        lines.append(f"| **{_fmt(c['threshold'])} (deployed)** | **{_share(c['strong_share'])}** | **{_fmt(c['quality'])}** | "
                     f"**{c['cost_per_1k']:.5f}** | **{_fmt(c['pgr'])}** |")
    return lines


TASK_TITLES = {"perplexity": "Perplexity (lower is better)", "qa": "Question answering: exact match and token F1",
               "translation": "Translation: BLEU and chrF (sacrebleu, 0-100)",
               "summarization": "Summarisation: ROUGE F-measure (rouge-score)"}


def render_report(results: dict) -> str:
    run = results["run"]
    weak, strong = run["weak"], run["strong"]
    lines = [
        "# Model evaluation", "",
        f"- deployment: {run['url']}; pools: weak `{weak}`, strong `{strong}`; versions: "
        + (", ".join(f"`{k}` = {v}" for k, v in run["versions"].items()) or "unknown"),
        f"- set: `{run['set']}` ({run['set_folder']}); items per task: "
        + ", ".join(f"{k} {v}" for k, v in run["items"].items()) + (f" (limit {run['limit']})" if run["limit"] else ""),
        "- prices (USD per 1M tokens, input/output): " + ", ".join(
            f"`{pool}` {p['input_per_million']}/{p['output_per_million']} ({p['source']})" for pool, p in run["prices"].items()),
        f"- started {run['started']}, {run['seconds']} s; intervals are 95 % (Wilson for exact match, percentile "
        f"bootstrap over items with {run['bootstrap_samples']} resamples otherwise)", "",
    ]
    for task, title in TASK_TITLES.items():
        rows = _metric_rows(results, task)
        if rows:
            lines += [f"## {title}", "", "| pool | metric | value | 95 % interval | n |", "|---|---|---|---|---|", *rows, ""]
    for scope, curve in results["routing"].items():
        lines += [f"## Routing curve: {'all generative tasks' if scope == 'all' else scope} ({curve['n']} prompts)", "",
                  f"Quality (per-prompt task metric, 0-1): `{weak}` {curve['weak_quality']:.4f}, `{strong}` "
                  f"{curve['strong_quality']:.4f}, gap {curve['gap']:+.4f}. "
                  f"APGR {_fmt(curve['apgr'])}; {strong} calls for 50 % PGR {_share(curve['cpt50'])}, "
                  f"for 80 % PGR {_share(curve['cpt80'])}.", ""]
        lines += [f"> {note}" for note in curve["notes"]] + ([""] if curve["notes"] else [])
        lines += curve_table(curve, weak, strong) + [""]
    if results["routing"]:
        lines += ["![routing curve](routing.png)", ""]
    if results["notes"] or results["errors"]:
        lines += ["## Notes and errors", ""]
        lines += [f"- {note}" for note in results["notes"]]
        for task, errors in results["errors"].items():
            if isinstance(errors, dict):
                for pool, messages in errors.items():
                    lines.append(f"- {task} / {pool}: {len(messages)} error(s), first: {messages[0]}")
            else:
                lines.append(f"- {task}: {len(errors)} error(s), first: {errors[0]}")
        lines.append("")
    return "\n".join(lines)


def write_report(results: dict, path: Path) -> str:
    text = render_report(results)
    path.write_text(text, encoding="utf-8")
    return text


def plot_routing(curve: dict, path: Path, weak: str, strong: str) -> None:
    """Two panels against the share of calls to the strong pool: PGR (quality when the gap is 0) with the
    random router's diagonal, and cost per 1,000 prompts; the deployed threshold is marked on both."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    shares = [100 * p["strong_share"] for p in curve["points"]]
    has_gap = curve["apgr"] is not None
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    if has_gap:
        left.plot(shares, [p["pgr"] for p in curve["points"]], marker=".", label=f"router (APGR {curve['apgr']:.3f})")
        left.plot([0, 100], [0, 1], linestyle="--", color="grey", label="random router")
        left.set_ylabel("PGR (share of the quality gap recovered)")
    else:
        left.plot(shares, [p["quality"] for p in curve["points"]], marker=".", label="router")
        left.set_ylabel("quality (gap 0: PGR undefined)")
        left.set_ylim(0, 1.05)  # on the metric's own 0-1 scale: a flat line must look flat
    right.plot(shares, [p["cost_per_1k"] for p in curve["points"]], marker=".", color="tab:green")
    right.set_ylabel("cost per 1,000 prompts (USD)")
    current = curve["current"]
    if current is not None:
        y_left = current["pgr"] if has_gap else current["quality"]
        left.scatter([100 * current["strong_share"]], [y_left], color="red", zorder=3,
                     label=f"deployed threshold {current['threshold']:.3f}")
        right.scatter([100 * current["strong_share"]], [current["cost_per_1k"]], color="red", zorder=3)
    for axis in (left, right):
        axis.set_xlabel(f"calls to {strong} (%)")
        axis.grid(alpha=0.3)
    left.legend(loc="lower right")
    figure.suptitle(f"Routing {weak} / {strong}: {curve['n']} prompts, gap {curve['gap']:+.3f}")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
