"""Checkpoints of the suite: exact JSON round trips, and planted files that execute nothing.

The real scenarios used here (``double-descent-ridge``: values, checks and arrays;
``interp-lipschitz-d2``: no value comparison) run in about 0.1 s each with ``quick``.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from verify.compare import ExponentComparison, ValueComparison, Verdict
from verify.fit import PowerLawFit
from verify.output import report
from verify.output.report import CHECKPOINT_FORMAT, CheckpointStore
from verify.output.tables import ScenarioRow, render_latex, render_terminal
from verify.scenarios import base, suite
from verify.scenarios.runner import checkpoint_id, checkpoint_key, run_suite

ROOT = Path(__file__).resolve().parents[3]
REAL = ("double-descent-ridge", "interp-lipschitz-d2")


def assert_same(a, b, where="outcome"):
    """Equal field by field: dataclasses recursively, arrays by dtype, shape and values,
    containers by kind and length, numbers by value (a numpy float64 equals its float)."""
    if dataclasses.is_dataclass(a):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape, where
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), where
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), where
        for k in a:
            assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, tuple | list):
        assert type(a) is type(b) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, float | np.floating) and np.isnan(a):
        assert np.isnan(b), where
    else:
        assert a == b and isinstance(b, bool) == isinstance(a, bool | np.bool_), where


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    """As the report command does: the suite is many small factorizations."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A checkpoint directory of the real scenarios and the outcomes written into it."""
    directory = tmp_path_factory.mktemp("prepared") / "ck"
    scenarios = [suite()[n] for n in REAL]
    run = run_suite(scenarios, quick=True, seed=0, store=CheckpointStore(directory))
    assert run.n_cached == 0 and not run.errors
    return directory, run.outcomes


def _run(tmp_path, warnings, prepared=None):
    if prepared is not None and not (tmp_path / "ck").exists():
        shutil.copytree(prepared[0], tmp_path / "ck")
    scenarios = [suite()[n] for n in REAL]
    return run_suite(scenarios, quick=True, seed=0, store=CheckpointStore(tmp_path / "ck"),
                     warn=warnings.append)


def test_round_trip_equals_the_fresh_outcome_field_by_field(tmp_path, prepared):
    directory, fresh = prepared
    files = sorted(p.name for p in directory.iterdir())
    assert files == sorted(f"{checkpoint_key(n, True, 0)}.json" for n in REAL)
    warnings: list[str] = []
    again = _run(tmp_path, warnings, prepared)
    assert again.n_cached == 2 and warnings == []
    for a, b in zip(fresh, again.outcomes, strict=True):
        assert_same(a, b)       # read back from JSON: every number bit for bit
        assert b.verdict == a.verdict and b.agrees == a.agrees
    rows = [o.row for o in fresh]
    assert render_latex([o.row for o in again.outcomes]) == render_latex(rows)
    assert render_terminal([o.row for o in again.outcomes]) == render_terminal(rows)


def test_checkpoint_file_is_strict_json_with_format_and_key(prepared):
    path = prepared[0] / f"{checkpoint_key(REAL[0], True, 0)}.json"
    doc = json.loads(path.read_text(), parse_constant=lambda t: pytest.fail(t))
    assert doc["format"] == CHECKPOINT_FORMAT
    assert doc["key"] == checkpoint_id(REAL[0], True, 0)
    assert set(doc["key"]) == {"scenario", "suite", "quick", "seed", "blas_threads", "toolkit"}
    assert doc["key"]["blas_threads"] == 1 and doc["key"]["suite"] == "default"
    assert doc["digest"] == report.content_digest(doc["payload"])
    # the thread count is part of the key: 2 threads never read a 1-thread checkpoint
    assert checkpoint_key(REAL[0], True, 0, 2) != checkpoint_key(REAL[0], True, 0, 1)


class _Evil:
    """A pickle payload: unpickling it creates the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def _recomputed(tmp_path, prepared, planted: Path, marker: Path):
    """Run over the planted directory: nothing executed, one line naming the file, the
    planted scenario recomputed (equal to the fresh outcome but for its run time)."""
    warnings: list[str] = []
    run = _run(tmp_path, warnings)
    assert not marker.exists()                        # nothing was executed
    assert len(warnings) == 1 and str(planted) in warnings[0], warnings
    assert "\n" not in warnings[0] and "recomputing" in warnings[0]
    assert run.n_cached == 1                          # the other scenario's checkpoint is fine
    for a, b in zip(prepared[1], run.outcomes, strict=True):
        assert_same(dataclasses.replace(a, elapsed_s=0.0), dataclasses.replace(b, elapsed_s=0.0))
    assert _run(tmp_path, []).n_cached == 2           # and checkpointed again, as JSON
    return warnings[0]


def test_planted_pickle_executes_nothing_and_is_replaced(tmp_path, prepared):
    marker = tmp_path / "marker"
    assert pickle.loads(pickle.dumps(_Evil(tmp_path / "self-check"))) is None
    assert (tmp_path / "self-check").exists()         # the payload does run when unpickled
    shutil.copytree(prepared[0], tmp_path / "ck")
    planted = tmp_path / "ck" / f"{checkpoint_key(REAL[0], True, 0)}.pkl"
    planted.write_bytes(pickle.dumps(_Evil(marker)))
    line = _recomputed(tmp_path, prepared, planted, marker)
    assert "old-format" in line
    assert not planted.exists()                       # the store replaced it by JSON


def _plant(tmp_path, payload, *, key=None, fmt=CHECKPOINT_FORMAT, digest=None) -> Path:
    """A checkpoint file with a correct digest (anyone can compute one) unless given."""
    stem = checkpoint_key(REAL[0], True, 0)
    path = tmp_path / "ck" / f"{stem}.json"
    doc = {"format": fmt, "key": key or checkpoint_id(REAL[0], True, 0),
           "digest": digest or report.content_digest(payload), "payload": payload}
    path.write_text(json.dumps(doc))
    return path


def _good_payload(tmp_path, prepared, name=REAL[0]):
    if not (tmp_path / "ck").exists():
        shutil.copytree(prepared[0], tmp_path / "ck")
    path = tmp_path / "ck" / f"{checkpoint_key(name, True, 0)}.json"
    return json.loads(path.read_text())["payload"]


@pytest.mark.parametrize("attack", ["reduce", "class-path", "nested-class", "object-array",
                                    "unknown-tag", "float-text"])
def test_planted_malicious_json_executes_nothing(tmp_path, prepared, attack):
    marker = tmp_path / "marker"
    payload = _good_payload(tmp_path, prepared)
    cmd = ["touch", str(marker)]
    if attack == "reduce":
        payload = {"__reduce__": ["os.system", [" ".join(cmd)]]}
    elif attack == "class-path":
        payload = {"py/object": "subprocess.Popen", "args": cmd,
                   "__class__": "verify.scenarios.base.ScenarioOutcome"}
    elif attack == "nested-class":
        payload["fit"] = {"__class__": "subprocess.Popen", "args": cmd}
    elif attack == "object-array":
        payload["curve"]["losses"] = {"__ndarray__": {"dtype": "O", "shape": [1],
                                                      "data": ["os.system"]}}
    elif attack == "unknown-tag":
        payload["extra"] = {"__import__": "os", "system": " ".join(cmd)}
    else:
        payload["elapsed_s"] = {"__float__": "__import__('os').system('touch marker')"}
    planted = _plant(tmp_path, payload)
    line = _recomputed(tmp_path, prepared, planted, marker)
    assert "not used" in line


@pytest.mark.parametrize("damage", ["truncated", "empty", "nan", "foreign-key", "old-format",
                                    "wrong-type", "missing-field", "bad-row"])
def test_damaged_or_foreign_checkpoint_is_reported_and_recomputed(tmp_path, prepared, damage):
    payload = _good_payload(tmp_path, prepared)
    path = tmp_path / "ck" / f"{checkpoint_key(REAL[0], True, 0)}.json"
    if damage == "truncated":
        text = path.read_text()
        path.write_text(text[: len(text) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "nan":
        path.write_text(path.read_text().replace('"elapsed_s":', '"elapsed_s":NaN,"x":', 1))
    elif damage == "foreign-key":
        _plant(tmp_path, payload, key=checkpoint_id(REAL[0], True, 1))
    elif damage == "old-format":
        _plant(tmp_path, payload, fmt="scaling-law-toolkit/checkpoint/0")
    elif damage == "wrong-type":
        payload["fit"]["alpha"] = "0.5"
        _plant(tmp_path, payload)
    elif damage == "missing-field":
        del payload["exponent"]["band"]
        _plant(tmp_path, payload)
    else:
        payload["row"]["verdict"] = "maybe"           # ScenarioRow's own validation refuses it
        _plant(tmp_path, payload)
    _recomputed(tmp_path, prepared, path, tmp_path / "marker")


def test_a_checkpoint_of_another_scenario_is_refused(tmp_path, prepared):
    payload = _good_payload(tmp_path, prepared)
    other = _good_payload(tmp_path, prepared, REAL[1])
    assert other["name"] != payload["name"]
    path = _plant(tmp_path, other)                    # right key, wrong outcome inside
    line = _recomputed(tmp_path, prepared, path, tmp_path / "marker")
    assert "holds scenario" in line


def test_an_edited_measured_exponent_is_caught_by_the_digest(tmp_path, prepared):
    """Editing a number in place (the measured exponent, here pushed towards another value)
    without recomputing the digest is reported and recomputed, never accepted as agree."""
    shutil.copytree(prepared[0], tmp_path / "ck")
    path = tmp_path / "ck" / f"{checkpoint_key(REAL[0], True, 0)}.json"
    doc = json.loads(path.read_text())
    doc["payload"]["fit"]["alpha"] += 0.5
    doc["payload"]["row"]["measured"] = doc["payload"]["fit"]["alpha"]
    path.write_text(json.dumps(doc))
    line = _recomputed(tmp_path, prepared, path, tmp_path / "marker")
    assert "content digest mismatch" in line


@pytest.mark.parametrize("change", ["older-format", "extra-field", "renamed-field"])
def test_an_object_from_another_version_is_recomputed_not_a_crash(tmp_path, prepared, change):
    """A checkpoint another toolkit version wrote: an older format, or this format with a
    dataclass that gained or renamed a field (AttributeError before issue 18)."""
    payload = _good_payload(tmp_path, prepared)
    if change == "older-format":
        path = _plant(tmp_path, payload, fmt="scaling-law-toolkit/checkpoint/1")
    elif change == "extra-field":
        payload["exponent"]["new_field"] = 1.0
        path = _plant(tmp_path, payload)
    else:
        payload["fit"]["slope"] = payload["fit"].pop("alpha")
        path = _plant(tmp_path, payload)
    line = _recomputed(tmp_path, prepared, path, tmp_path / "marker")
    assert "not used" in line


def test_runner_reports_time_and_verdict_per_scenario(tmp_path, prepared):
    seen, started = [], []
    shutil.copytree(prepared[0], tmp_path / "ck")
    run_suite([suite()[n] for n in REAL], quick=True, seed=0,
              store=CheckpointStore(tmp_path / "ck"), on_start=started.append,
              on_done=lambda name, seconds, verdict: seen.append((name, seconds, verdict)))
    assert started == list(REAL)
    assert [(n, v) for n, _, v in seen] == [(n, "agree (checkpoint)") for n in REAL]
    assert all(0 <= t < 5 for _, t, _ in seen)
    names = []
    run_suite([suite()[REAL[1]]], quick=True, seed=0, on_done=names.append)  # f(name) works
    assert names == [REAL[1]]


def test_every_field_type_has_a_stored_form():
    """A field added to an outcome's dataclasses needs a checker in base._FIELD_TYPES."""
    classes = [base.ScenarioOutcome, ScenarioRow, base.Curve, PowerLawFit,
               ExponentComparison, ValueComparison, Verdict]
    for cls in classes:
        for f in dataclasses.fields(cls):
            assert f.type in base._FIELD_TYPES or f.type in base._NESTED, (cls, f.name, f.type)


def _forbidden(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            found += [n for n in names if n.split(".")[0] in {"pickle", "cPickle", "dill",
                                                              "shelve", "marshal"}]
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in {"eval", "exec"}:
                found.append(node.func.id)
            for kw in node.keywords:
                if kw.arg == "allow_pickle" and not (isinstance(kw.value, ast.Constant)
                                                     and kw.value.value is False):
                    found.append("allow_pickle")
    return found


def test_no_pickle_eval_or_exec_in_the_packages():
    assert _forbidden(ast.parse("import pickle\neval('1')\nnp.load(f, allow_pickle=True)")) \
        == ["pickle", "eval", "allow_pickle"]
    hits = {}
    for package in ("asymptotics", "verify"):
        for path in (ROOT / package).rglob("*.py"):
            found = _forbidden(ast.parse(path.read_text(encoding="utf-8")))
            if found:
                hits[str(path.relative_to(ROOT))] = found
    assert hits == {}
