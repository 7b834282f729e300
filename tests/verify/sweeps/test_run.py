"""Tests of verify.sweeps.run and verify.sweeps.cache: exact caching, determinism, resume, validation.

The reference for every executor test is the serial run of the same task; equality is
checked bit for bit (float bit patterns, array bytes, dtypes and container types).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as npst
from sweep_tasks import assert_same, configs_for, ls_task

from verify import __version__
from verify.__main__ import main as verify_main
from verify.sweeps.cache import SweepCache, canonical_json, config_key, decode_result, encode_result
from verify.sweeps.run import (
    SerialExecutor,
    SweepError,
    assign_seeds,
    derive_seed,
    grid,
    run_sweep,
    task_name,
)

FAIL_ON: set[int] = set()  # flaky_task raises for these `n` (serial executor only)


def flaky_task(config):
    if config["n"] in FAIL_ON:
        raise RuntimeError(f"planned failure at n={config['n']}")
    return ls_task(config)


def bad_result_task(config):
    return object()


# ---------------------------------------------------------------- the codec
_floats = st.floats(allow_nan=True, allow_infinity=True)
_leaves = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | _floats | st.text(max_size=5)
           | npst.arrays(st.sampled_from([np.float64, np.float32, np.int64, np.uint8, np.bool_]),
                         npst.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)))
_results = st.recursive(
    _leaves, lambda kids: (st.lists(kids, max_size=3) | st.tuples(kids, kids)
                           | st.dictionaries(st.text(alphabet="abc", max_size=3), kids,
                                             max_size=3)), max_leaves=10)


class TestCodec:
    @given(_results)
    def test_round_trip_through_json_text_is_bitwise(self, result):
        text = json.dumps(encode_result(result), allow_nan=False)  # strict JSON, no NaN tokens
        assert_same(decode_result(json.loads(text)), result)

    def test_numpy_scalars_become_python_numbers(self):
        assert_same(decode_result(encode_result([np.float32(0.5), np.int8(3), np.bool_(True)])),
                    [0.5, 3, True])

    def test_unencodable_results_are_refused(self):
        with pytest.raises(TypeError, match=r"`result\['x'\]` of type object cannot be cached"):
            encode_result({"x": object()})
        with pytest.raises(TypeError, match=r"keys must be strings not starting with '__'"):
            encode_result({"__tuple__": 1})
        with pytest.raises(TypeError, match=r"array of bool, integer or float dtype; got "
                                            r"dtype complex128"):
            encode_result(np.zeros(2, complex))


class TestKeys:
    def test_key_is_sha256_of_the_canonical_text(self):
        # the canonical text written out by hand, independently of canonical_json
        text = '{"config":{"D":[16,32],"b":1.5},"task":"m:f","version":"9"}'
        expected = hashlib.sha256(text.encode()).hexdigest()
        assert config_key({"b": 1.5, "D": (16, 32)}, "m:f", "9") == expected
        assert config_key({"D": [np.int64(16), 32], "b": np.float64(1.5)}, "m:f", "9") == expected

    def test_key_changes_with_task_version_and_content(self):
        base = config_key({"n": 1}, "m:f", "1")
        assert len({base, config_key({"n": 1}, "m:g", "1"), config_key({"n": 1}, "m:f", "2"),
                    config_key({"n": 2}, "m:f", "1"), config_key({"n": 1.0}, "m:f", "1")}) == 5

    def test_non_json_configs_are_refused(self):
        with pytest.raises(ValueError, match=r"`data\['config'\]\['x'\]` must be a finite"):
            config_key({"x": math.nan}, "m:f", "1")
        with pytest.raises(TypeError, match=r"must have string keys; got key 1 \(int\)"):
            canonical_json({1: 2})
        with pytest.raises(TypeError, match=r"must be JSON data .*; got set"):
            canonical_json({"s": {1}})


class TestSeeds:
    def test_seed_depends_on_content_not_position_or_key_order(self):
        configs = grid(b=[1.5, 2.0], D=[16, 32, 64])
        seeded = assign_seeds(configs, 7)
        assert assign_seeds(configs[::-1], 7) == seeded[::-1]
        assert derive_seed({"D": 16, "b": 1.5}, 7) == derive_seed({"b": 1.5, "D": 16}, 7)
        assert len({c["seed"] for c in seeded}) == len(configs)
        assert {c["seed"] for c in assign_seeds(configs, 8)}.isdisjoint(
            {c["seed"] for c in seeded})
        assert all(0 <= c["seed"] < 2**63 for c in seeded)

    def test_seed_field_itself_is_not_part_of_the_identity(self):
        assert derive_seed({"n": 3, "seed": 99}, 1) == derive_seed({"n": 3}, 1)

    def test_seed_is_the_documented_seedsequence_draw(self):
        # docs/sweeps.md (SW.2) recomputed step by step
        digest = hashlib.sha256(b'{"n":3}').digest()
        key = tuple(int.from_bytes(digest[4 * i: 4 * i + 4], "little") for i in range(4))
        lo, hi = np.random.SeedSequence(5, spawn_key=key).generate_state(2, np.uint32)
        assert derive_seed({"n": 3}, 5) == (int(lo) + (int(hi) << 32)) % 2**63

    def test_assign_seeds_refuses_a_fixed_seed(self):
        with pytest.raises(ValueError, match=r"`configs\[1\]` already has a 'seed' field; got 4"):
            assign_seeds([{"n": 1}, {"n": 2, "seed": 4}], 0)
        with pytest.raises(ValueError, match="`root_seed` must be an integer >= 0; got -1"):
            derive_seed({"n": 1}, -1)


class TestGrid:
    def test_cartesian_product_last_axis_fastest(self):
        assert grid(b=[1, 2], D=[[16, 32]], s=["x", "y"]) == [
            {"b": 1, "D": [16, 32], "s": "x"}, {"b": 1, "D": [16, 32], "s": "y"},
            {"b": 2, "D": [16, 32], "s": "x"}, {"b": 2, "D": [16, 32], "s": "y"}]

    def test_bad_axes(self):
        with pytest.raises(ValueError, match="`D` must contain at least one value"):
            grid(D=[])
        with pytest.raises(TypeError, match=r"`s` must be an iterable of values .* got str"):
            grid(s="abc")


# ---------------------------------------------------------------- running sweeps
def _serial(configs):
    """The reference: a plain loop over the task, through the codec (no engine)."""
    return [decode_result(json.loads(json.dumps(encode_result(ls_task(c))))) for c in configs]


class TestRunSweep:
    def test_serial_engine_equals_a_plain_loop(self):
        configs = configs_for([5, 6, 7, 8])
        run = run_sweep(ls_task, configs)
        for got, want in zip(run.results, _serial(run.configs), strict=True):
            assert_same(got, want)
        assert (run.n_cached, run.n_computed, run.cache_dir) == (0, 4, None)
        assert run.task == "sweep_tasks:ls_task" and run.version == __version__

    def test_process_pool_equals_serial_bitwise(self):
        configs = configs_for(range(5, 13))
        serial = run_sweep(ls_task, configs)
        with ProcessPoolExecutor(max_workers=2) as pool:
            pooled = run_sweep(ls_task, configs, executor=pool, chunksize=3)
        assert_same(pooled.results, serial.results)

    @settings(max_examples=15)
    @given(st.permutations(list(range(5, 14))), st.integers(1, 4), st.integers(1, 5),
           st.none() | st.integers(1, 3))
    def test_any_order_chunking_and_workers_give_the_same_numbers(self, ns, workers, chunk,
                                                                  pending):
        reference = dict(zip(range(5, 14), _serial(configs_for(range(5, 14))), strict=True))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            run = run_sweep(ls_task, configs_for(ns), executor=pool, chunksize=chunk,
                            max_pending=pending)
        for n, got in zip(ns, run.results, strict=True):
            assert_same(got, reference[n])

    def test_cache_resumes_and_returns_identical_objects(self, tmp_path):
        configs = configs_for(range(5, 11))
        first = run_sweep(ls_task, configs[:4], cache_dir=tmp_path)
        assert (first.n_cached, first.n_computed) == (0, 4)
        assert sorted(SweepCache(tmp_path).keys()) == sorted(first.keys)
        second = run_sweep(ls_task, configs, cache_dir=tmp_path)
        assert (second.n_cached, second.n_computed) == (4, 2)
        assert_same(second.results, run_sweep(ls_task, configs).results)
        third = run_sweep(ls_task, configs[::-1], cache_dir=tmp_path)
        assert (third.n_cached, third.n_computed) == (6, 0)
        assert_same(third.results, second.results[::-1])

    def test_duplicates_run_once_and_progress_reports_each_distinct_config(self, tmp_path):
        configs = configs_for([5, 6])
        events = []
        run = run_sweep(ls_task, [configs[0], configs[1], configs[0]], cache_dir=tmp_path,
                        progress=events.append)
        assert run.n_computed == 2 and run.keys[0] == run.keys[2]
        assert [(e.index, e.cached, e.done, e.total) for e in events] == [
            (0, False, 1, 2), (1, False, 2, 2)]
        assert_same(events[1].result, run.results[1])
        events.clear()
        run_sweep(ls_task, configs[::-1], cache_dir=tmp_path, progress=events.append)
        assert [(e.index, e.cached) for e in events] == [(0, True), (1, True)]

    def test_failure_keeps_finished_results_and_a_rerun_completes(self, tmp_path):
        configs = configs_for(range(5, 10))
        FAIL_ON.add(8)
        try:
            with pytest.raises(SweepError, match=r"task failed for configuration 3: .*\"n\":8") \
                    as info:
                run_sweep(flaky_task, configs, cache_dir=tmp_path)
        finally:
            FAIL_ON.clear()
        assert isinstance(info.value.__cause__, RuntimeError)
        assert sorted(info.value.partial) == [0, 1, 2] and info.value.config == configs[3]
        assert len(SweepCache(tmp_path).keys()) == 3
        rerun = run_sweep(flaky_task, configs, cache_dir=tmp_path)
        assert (rerun.n_cached, rerun.n_computed) == (3, 2)
        assert_same(rerun.results, run_sweep(ls_task, configs).results)

    def test_corrupt_and_temporary_files_are_never_read_as_results(self, tmp_path):
        configs = configs_for([5, 6, 7])
        run = run_sweep(ls_task, configs, cache_dir=tmp_path)
        cache = SweepCache(tmp_path)
        cache.path(run.keys[0]).write_text('{"format": 1, "trunc')  # torn file (cannot happen
        good = cache.path(run.keys[1]).read_text()                  # with atomic writes)
        cache.path(run.keys[1]).write_text(good.replace('"n": 6', '"n": 60'))  # wrong content
        (tmp_path / ".tmp-0123-abcd.part").write_text("{}")
        assert len(cache.keys()) == 3 and len(cache.temporaries()) == 1
        again = run_sweep(ls_task, configs, cache_dir=tmp_path)
        assert (again.n_cached, again.n_computed) == (1, 2)
        assert_same(again.results, run.results)
        assert cache.path(run.keys[1]).read_text() == good

    def test_files_hold_config_task_version_and_exact_floats(self, tmp_path):
        run = run_sweep(ls_task, configs_for([5]), cache_dir=tmp_path)
        data = json.loads(SweepCache(tmp_path).path(run.keys[0]).read_text())
        assert data["config"] == run.configs[0] and data["task"] == "sweep_tasks:ls_task"
        assert data["version"] == __version__ and data["key"] == run.keys[0]
        assert data["result"]["loss"] == run.results[0]["loss"]
        assert SweepCache(tmp_path).temporaries() == []
        assert sorted(os.listdir(tmp_path)) == [f"{run.keys[0]}.json"]

    def test_input_validation(self, tmp_path):
        with pytest.raises(TypeError, match="`task` must be a top-level function"):
            run_sweep(lambda c: c, [{}])
        with pytest.raises(TypeError, match="`task` must be callable; got int"):
            task_name(3)
        with pytest.raises(TypeError, match=r"`configs\[1\]` must be a mapping; got list"):
            run_sweep(ls_task, [{}, [1]])
        with pytest.raises(TypeError, match="`configs` must be a sequence of mappings; got dict"):
            run_sweep(ls_task, {"n": 1})
        with pytest.raises(ValueError, match=r"`configs\[0\]\['x'\]` must be a finite number"):
            run_sweep(ls_task, [{"x": math.inf}])
        with pytest.raises(TypeError, match=r"`executor` must be a concurrent\.futures\.Executor"):
            run_sweep(ls_task, [{}], executor="pool")
        with pytest.raises(ValueError, match="`chunksize` must be a positive integer; got 0"):
            run_sweep(ls_task, [{}], chunksize=0)
        with pytest.raises(ValueError, match="`max_pending` must be a positive integer; got 0"):
            run_sweep(ls_task, [{}], max_pending=0)
        with pytest.raises(TypeError, match="`progress` must be callable or None; got str"):
            run_sweep(ls_task, [{}], progress="bar")
        with pytest.raises(SweepError, match="configuration 0") as info:
            run_sweep(bad_result_task, [{"n": 1}], cache_dir=tmp_path)
        assert isinstance(info.value.__cause__, TypeError)
        assert SweepCache(tmp_path).keys() == []

    def test_serial_executor_behaves_like_an_executor(self):
        ex = SerialExecutor()
        assert ex.submit(divmod, 7, 2).result() == (3, 1)
        assert isinstance(ex.submit(divmod, 1, 0).exception(), ZeroDivisionError)
        ex.shutdown()
        with pytest.raises(RuntimeError, match="after shutdown"):
            ex.submit(divmod, 1, 1)


# ---------------------------------------------------------------- the command line
class TestCommand:
    def test_grid_run_then_resume_prints_one_line_per_config(self, tmp_path, capsys):
        argv = ["sweep", "--task", "lstsq", "--axis", "n=20,30", "--set", "m=3",
                "--cache", str(tmp_path)]
        assert verify_main(argv) == 0
        out = capsys.readouterr().out.splitlines()
        assert [line.split()[1] for line in out[:2]] == ["computed", "computed"]
        assert out[2] == f"2 configurations: 2 computed, 0 from the cache {tmp_path}"
        assert verify_main([*argv, "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert (data["n_cached"], data["n_computed"]) == (2, 0)
        assert [item["config"]["n"] for item in data["items"]] == [20, 30]
        assert data["task"] == "verify.sweeps.tasks:lstsq_task"

    def test_axis_takes_ranges_like_the_size_options(self, tmp_path, capsys):
        # 10:40:3log -> geomspace(10, 40, 3) = 10, 20, 40 (integers: START and STOP are)
        argv = ["sweep", "--task", "lstsq", "--axis", "n=10:40:3log,50", "--set", "m=3",
                "--cache", str(tmp_path), "--json"]
        assert verify_main(argv) == 0
        data = json.loads(capsys.readouterr().out)
        assert [item["config"]["n"] for item in data["items"]] == [10, 20, 40, 50]
        code = verify_main(["sweep", "--task", "lstsq", "--axis", "n=40:10:3log",
                            "--cache", str(tmp_path)])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and "`--axis n`" in err and "START < STOP" in err

    def test_configs_file_and_process_pool_match_the_engine(self, tmp_path, capsys):
        from verify.sweeps.tasks import lstsq_task

        configs = [{"n": 12, "m": 2, "seed": 3}, {"n": 9, "m": 4}]
        path = tmp_path / "configs.json"
        path.write_text(json.dumps(configs))
        argv = ["sweep", "--task", "lstsq", "--configs", str(path), "--workers", "2", "--json",
                "--cache", str(tmp_path / "c")]
        assert verify_main(argv) == 0
        data = json.loads(capsys.readouterr().out)
        expected = run_sweep(lstsq_task, [configs[0], {**configs[1], "seed": derive_seed(
            configs[1], 0)}])
        got = [decode_result(item["result"]) for item in data["items"]]
        assert_same(tuple(got), expected.results)

    @pytest.mark.parametrize(("argv", "message"), [
        (["--task", "nope"], r"`--task` must be one of \['lstsq', 'simulate'\]"),
        (["--task", "os:nothing_here"], r"`--task` 'os:nothing_here' cannot be imported"),
        (["--task", "lstsq"], r"no configurations: give `--configs FILE`"),
        (["--task", "lstsq", "--b", "2"], r"`--b` is a simulator option"),
        (["--task", "lstsq", "--axis", "n"], r"`--axis` must look like KEY=VALUE; got 'n'"),
        (["--task", "lstsq", "--set", "n=5", "--set", "m=9"],
         r"task failed for configuration 0: .*; ValueError: `n` must be >= `m`"),
        (["--task", "lstsq", "--set", "n=5", "--workers", "0"],
         r"`--workers` must be a positive integer; got 0"),
        (["--task", "lstsq", "--configs", "/nonexistent/x.json"], r"No such file"),
        (["--D", "1,x"], r"'x' is not an integer"),
    ])
    def test_bad_input_is_one_line_and_exit_2(self, argv, message, tmp_path, capsys):
        code = verify_main(["sweep", *argv, "--cache", str(tmp_path)])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and err.startswith("verify")
        assert re.search(message, err), err


# ---------------------------------------------------------------- the simulator as a task
SIM_CONFIG = {"b": 2.0, "S": 64, "a": None, "D": [8, 12], "P": 48, "student": "projection",
              "ridge": 0.0, "noise": 0.0, "seeds": 2, "seed": 11}


class TestSimulatorTask:
    def test_task_is_the_simulator_on_the_config(self):
        simulate = pytest.importorskip("verify.simulator.simulate")
        from asymptotics.model import PowerLawSpectrum, Target
        from verify.sweeps.tasks import simulate_task

        got = simulate_task(SIM_CONFIG)
        direct = simulate.simulate_sweep(PowerLawSpectrum(2.0, size=64), Target.isotropic(),
                                         D=[8, 12], P=48, student="projection", ridge=0.0,
                                         noise=0.0, seeds=2, seed=11)
        assert_same(got["mean"], direct.mean)
        assert_same(got["losses"], direct.losses)

    def test_process_pool_equals_serial_and_cache_is_exact(self, tmp_path):
        pytest.importorskip("verify.simulator.simulate")
        from verify.sweeps.tasks import simulate_task

        configs = [{**SIM_CONFIG, "b": b, "seed": s} for b in (1.5, 2.0) for s in (1, 2)]
        serial = run_sweep(simulate_task, configs, cache_dir=tmp_path)
        with ProcessPoolExecutor(max_workers=2) as pool:
            pooled = run_sweep(simulate_task, configs, executor=pool)
        assert_same(pooled.results, serial.results)
        assert_same(run_sweep(simulate_task, configs, cache_dir=tmp_path).results,
                    serial.results)

    def test_command_runs_the_simulator_grid(self, tmp_path, capsys):
        pytest.importorskip("verify.simulator.simulate")
        argv = ["sweep", "--b", "1.5,2", "--S", "64", "--D", "8,12", "--P", "48", "--seeds",
                "2", "--json", "--cache", str(tmp_path)]
        assert verify_main(argv) == 0
        data = json.loads(capsys.readouterr().out)
        assert [item["config"]["b"] for item in data["items"]] == [1.5, 2.0]
        assert all(item["config"]["student"] == "projection" for item in data["items"])


# ---------------------------------------------------------------- one writer, one owner
class TestCacheOwnership:
    def test_store_goes_through_the_one_atomic_writer(self, tmp_path, monkeypatch):
        cache = SweepCache(tmp_path)
        key = config_key({"n": 1}, "m:f", "1")  # load() checks that the content hashes to it
        cache.store(key, "m:f", "1", {"n": 1}, {"x": 1})

        def broken_replace(src, dst):
            raise OSError("disk full (simulated)")

        monkeypatch.setattr(os, "replace", broken_replace)
        with pytest.raises(OSError, match="simulated"):
            cache.store(key, "m:f", "1", {"n": 1}, {"x": 2})
        # the old result is intact and atomic_write removed its temporary file
        assert cache.load(key).result == {"x": 1}
        assert sorted(os.listdir(tmp_path)) == [f"{key}.json"]

    def test_temporaries_of_the_writer_and_of_former_versions_are_listed(self, tmp_path):
        cache = SweepCache(tmp_path)
        names = [f".{'cd' * 32}.json.k3j9x_.tmp", ".tmp-0123-abcd.part"]
        for name in names:
            (tmp_path / name).write_text("{")
        (tmp_path / "notes.txt").write_text("mine")
        assert [p.name for p in cache.temporaries()] == sorted(names)
        assert cache.keys() == []

    def test_discard_removes_only_a_directory_it_created_and_never_wrote(self, tmp_path):
        fresh = SweepCache(tmp_path / "new" / "cache")
        assert fresh.created and fresh.discard_if_unused()
        assert not (tmp_path / "new").exists()  # the parent it made goes too
        (tmp_path / "kept").mkdir()
        (tmp_path / "kept" / "other.txt").write_text("x")
        assert SweepCache(tmp_path / "kept" / "a" / "b").discard_if_unused()
        assert sorted(os.listdir(tmp_path / "kept")) == ["other.txt"]
        existing = SweepCache(tmp_path)  # made by pytest, not by the cache
        assert not existing.created and not existing.discard_if_unused()
        used = SweepCache(tmp_path / "used")
        used.store("ef" * 32, "m:f", "1", {}, 1)
        assert not used.discard_if_unused() and used.keys() == ["ef" * 32]

    def test_run_sweep_takes_the_cache_object(self, tmp_path):
        cache = SweepCache(tmp_path / "c")
        run = run_sweep(ls_task, configs_for([5, 6]), cache_dir=cache)
        assert run.cache_dir == str(tmp_path / "c") and sorted(cache.keys()) == sorted(run.keys)


# ---------------------------------------------------------------- the simulator schema
class TestSimulatorConfigs:
    def test_task_refuses_what_the_schema_refuses(self):
        from verify.sweeps.tasks import simulate_task

        with pytest.raises(ValueError, match=r"`config` has unknown key 'ridg'"):
            simulate_task({**SIM_CONFIG, "ridg": 0.1})
        with pytest.raises(TypeError, match=r"`force` must be true or false; got 'yes'"):
            simulate_task({**SIM_CONFIG, "force": "yes"})

    def test_force_marks_only_the_configs_over_a_bound(self, monkeypatch):
        from verify.simulator import simulate as sim
        from verify.sweeps.tasks import check_simulate_configs

        small, big = SIM_CONFIG, {**SIM_CONFIG, "D": [8, 12, 4000]}
        assert check_simulate_configs([small, big]) == [small, big]
        monkeypatch.setattr(sim, "MEMORY_BOUND", 2**20)  # big plans 17.9 MiB, small 0.34 MiB
        # (halving P = 48 saves the most: the 4 P x P and 3 P x S arrays scale with it too)
        with pytest.raises(ValueError, match=r"^configuration 1: `P` = 48: .* 17\.9 MiB of "
                                             r"memory, over the bound of 1 MiB"):
            check_simulate_configs([small, big])
        assert check_simulate_configs([small, big], force=True) == [small, {**big, "force": True}]
        with pytest.raises(ValueError, match=r"^configuration 0: `S` must be a positive"):
            check_simulate_configs([{**small, "S": 0}], force=True)

    def test_command_force_runs_a_refused_config(self, tmp_path, capsys, monkeypatch):
        from verify.simulator import simulate as sim

        monkeypatch.setattr(sim, "MEMORY_BOUND", 2**10)
        argv = ["sweep", "--S", "64", "--D", "8,12", "--P", "48", "--seeds", "2", "--json",
                "--cache", str(tmp_path / "c")]
        assert verify_main(argv) == 2
        assert "`P` = 48" in capsys.readouterr().err and not (tmp_path / "c").exists()
        assert verify_main([*argv, "--force"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["items"][0]["config"]["force"] is True
