"""The sweep cache verifies every read (issue #18): docs/sweeps.md (SW.4).

A cached file is served only when its configuration hashes to its name (SW.1) and its
result hashes to its stored digest (SW.4). Every tampering below (an edited number, a
result replaced by a string, a NaN written in, a text-dtype array, a file of the former
format) is reported on one line and recomputed; the sweep's results are bit for bit those
of a fresh run, and the command line exits 0, never 2.
"""

from __future__ import annotations

import json

import pytest
from sweep_tasks import assert_same, configs_for, ls_task

from verify.__main__ import main as verify_main
from verify.sweeps.cache import CACHE_FORMAT, SweepCache, result_digest
from verify.sweeps.run import run_sweep


def _edit_number(rec):
    rec["result"]["loss"] = 12345.678


def _to_string(rec):
    rec["result"] = "not a result"


def _nan(rec):
    rec["result"]["loss"] = {"__float__": "nan"}


def _text_array(rec):
    rec["result"]["ints"] = {"__ndarray__": {"dtype": "<U3", "shape": [2], "data": ["a", "b"]}}


def _text_array_with_digest(rec):  # a forger who also rewrites the digest
    _text_array(rec)
    rec["digest"] = result_digest(rec["result"])


def _old_format(rec):
    rec["format"] = 1
    del rec["digest"]


TAMPER = [_edit_number, _to_string, _nan, _text_array, _text_array_with_digest, _old_format]


@pytest.mark.parametrize("tamper", TAMPER, ids=lambda f: f.__name__.strip("_"))
def test_tampered_result_is_reported_and_recomputed(tamper, tmp_path, capsys):
    configs = configs_for([6, 7])
    fresh = run_sweep(ls_task, configs, cache_dir=tmp_path)
    cache = SweepCache(tmp_path)
    key = fresh.keys[0]
    rec = json.loads(cache.path(key).read_text())
    assert rec["format"] == CACHE_FORMAT and rec["digest"] == result_digest(rec["result"])
    tamper(rec)
    cache.path(key).write_text(json.dumps(rec))
    capsys.readouterr()
    again = run_sweep(ls_task, configs, cache_dir=cache)
    err = capsys.readouterr().err
    assert again.n_cached == 1 and again.n_computed == 1
    assert err.count("\n") == 1 and f"{key}.json rejected" in err and "recomputing" in err
    assert cache.rejected == [err.rstrip("\n")]
    for a, b in zip(again.results, fresh.results, strict=True):
        assert_same(a, b)
    assert SweepCache(tmp_path).load(key) is not None  # replaced by a verified file


def test_command_line_recomputes_and_exits_0(tmp_path, capsys):
    argv = ["sweep", "--task", "lstsq", "--set", "n=7", "--set", "m=3", "--cache",
            str(tmp_path)]
    assert verify_main(argv) == 0
    files = list(tmp_path.glob("*.json"))
    assert len(files) == 1
    rec = json.loads(files[0].read_text())
    _to_string(rec)
    files[0].write_text(json.dumps(rec))
    capsys.readouterr()
    assert verify_main(argv) == 0
    assert "rejected" in capsys.readouterr().err


def test_digest_ignores_key_order_but_not_values():
    a = {"x": 1.5, "y": [1, 2]}
    assert result_digest(a) == result_digest({"y": [1, 2], "x": 1.5})
    assert result_digest(a) != result_digest({"x": 1.5000000000000002, "y": [1, 2]})
