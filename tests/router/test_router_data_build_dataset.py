"""build_dataset's borderline batches: appending a batch moves no earlier row between splits."""

import json

import router.data.build_dataset as build


def test_appending_a_borderline_batch_keeps_earlier_splits(monkeypatch):
    first_only = build.with_borderline([])
    monkeypatch.setattr(build, "BORDERLINE_BATCHES", build.BORDERLINE_BATCHES[:1])
    before = {row["id"]: row["split"] for row in build.with_borderline([])}
    after = {row["id"]: row["split"] for row in first_only}
    assert before and set(before) < set(after)
    assert all(after[i] == split for i, split in before.items())


def test_every_borderline_group_has_both_splits_and_a_borderline_source():
    rows = build.with_borderline([])
    by_source = {}
    for row in rows:
        assert row["source"].startswith(build.BORDERLINE_PREFIX) and row["label"] in ("small", "large")
        by_source.setdefault(row["source"], set()).add(row["split"])
    assert all(splits == {"train", "heldout"} for splits in by_source.values())


def test_independent_set_splits_by_hash_and_joins_training_only_with_its_train_part(tmp_path):
    lines = [{"prompt": f"question number {i}?", "label": "small", "kind": "clear"} for i in range(200)]
    lines.append({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"},
                               {"role": "user", "content": "Now prove that sqrt(2) is irrational."}],
                  "label": "large", "kind": "borderline"})
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    train, holdout = build.independent_rows("train", path), build.independent_rows("holdout", path)
    assert len(train) + len(holdout) == len(lines)
    assert 0.2 < len(holdout) / len(lines) < 0.5  # about INDEPENDENT_HOLDOUT_PERCENT
    keys = lambda rows: {json.dumps(r["messages"], sort_keys=True) for r in rows}  # noqa: E731
    assert keys(train).isdisjoint(keys(holdout))
    assert [r["messages"] for r in train] == [r["messages"] for r in build.independent_rows("train", path)]
    # the shipped dataset holds dev_v3's train part and none of its holdout part that is not in it anyway
    shipped = [json.loads(line) for line in build.OUTPUT.read_text().split("\n") if line.strip()]
    independent = [r for r in shipped if r["source"].startswith(build.INDEPENDENT_PREFIX)]
    assert independent and all(r["split"] == "train" for r in independent)
    held = keys(build.independent_rows("holdout"))
    assert not any(json.dumps(r["messages"], sort_keys=True) in held for r in independent)


def test_dev_v4_splits_by_the_prompts_sha256_and_only_its_train_part_is_trained_on(tmp_path):
    import hashlib

    lines = [{"prompt": f"question number {i}?", "label": "large", "kind": "borderline"} for i in range(200)]
    path = tmp_path / "v4.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    train, holdout = build.v4_rows("train", path), build.v4_rows("holdout", path)
    assert len(train) + len(holdout) == len(lines) and 0.25 < len(holdout) / len(lines) < 0.45
    for row in holdout:
        digest = hashlib.sha256(row["messages"][-1]["content"].encode()).hexdigest()
        assert int(digest[:8], 16) % 100 < build.V4_HOLDOUT_PERCENT
    assert all(row["source"] == build.V4_PREFIX + "borderline" for row in train)
    if build.V4_PATH.exists():
        shipped = [json.loads(line) for line in build.OUTPUT.read_text().split("\n") if line.strip()]
        in_data = {json.dumps(r["messages"], sort_keys=True) for r in shipped}
        v4_train = {json.dumps(r["messages"], sort_keys=True) for r in build.v4_rows("train")}
        v4_holdout = {json.dumps(r["messages"], sort_keys=True) for r in build.v4_rows("holdout")}
        assert v4_train <= in_data
        assert not any(r["source"].startswith(build.V4_PREFIX) and json.dumps(r["messages"], sort_keys=True) in v4_holdout
                       for r in shipped)
