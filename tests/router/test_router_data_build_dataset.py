"""build_dataset's borderline batches: appending a batch moves no earlier row between splits."""

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
