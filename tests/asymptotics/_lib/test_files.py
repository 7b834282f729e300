"""asymptotics._lib.files: the one atomic writer (moved here from verify.output.report)."""

from __future__ import annotations

import os

import pytest

from asymptotics._lib.files import atomic_write


def test_atomic_write_keeps_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "results.json"
    atomic_write(target, "old")

    def broken_replace(src, dst):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="simulated"):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json"]  # no temp left


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "t.txt"
    atomic_write(target, "a much longer first version")
    atomic_write(target, b"short")
    assert target.read_bytes() == b"short"
