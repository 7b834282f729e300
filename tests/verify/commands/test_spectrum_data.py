"""``verify spectrum --data``: JSON and text on bundled data and on a user file; errors."""

from __future__ import annotations

import json

import numpy as np

from verify.__main__ import main
from verify.datasets import load_dataset
from verify.networks.spectrum import data_spectrum


def test_json_matches_the_library(capsys):
    assert main(["spectrum", "--data", "digits", "--pool", "2", "--n", "300", "--depth", "2",
                 "--kernel", "ntk", "--window", "3,30", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    ref = data_spectrum(load_dataset("digits", pool=2, n=300), kernel="ntk", depth=2,
                        window=(3, 30))
    assert out["alpha"] == ref.alpha and out["alpha_ci"] == list(ref.alpha_ci)
    assert out["window"] == [3, 30] and out["image_shape"] == [4, 4] and out["d"] == 16


def test_text_on_a_user_file(tmp_path, capsys):
    path = tmp_path / "x.npy"
    np.save(path, np.random.default_rng(0).standard_normal((200, 6)))
    assert main(["spectrum", "--data", str(path), "--depth", "3"]) == 0
    text = capsys.readouterr().out
    assert "nngp kernel of a depth-3 relu network" in text and "fitted alpha_K" in text


def test_errors_exit_2_on_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.npy"
    np.save(bad, np.array([[1.0, np.nan]] * 30))
    assert main(["spectrum", "--data", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "must be finite" in err and str(bad) in err and err.count("\n") == 1
    assert main(["spectrum", "--data", "digits", "--kernel", "laplace"]) == 2
    assert "`kernel` must be one of" in capsys.readouterr().err
    assert main(["spectrum", "--data", "digits", "--method", "grid"]) == 2
    assert main(["spectrum", "--data", "digits", "--pool", "3"]) == 2
    assert "`pool` must divide" in capsys.readouterr().err


def test_randomized_solver_is_the_library_s(capsys):
    # --solver randomized: data_spectrum(solver="randomized") (same seed, same numbers), close
    # to the exact route on a window well inside the computed ranks
    args = ["spectrum", "--data", "digits", "--n", "600", "--depth", "2", "--window", "6,60",
            "--json"]
    assert main([*args, "--solver", "randomized"]) == 0
    out = json.loads(capsys.readouterr().out)
    data = load_dataset("digits", n=600)
    ref = data_spectrum(data, depth=2, window=(6, 60), solver="randomized")
    exact = data_spectrum(data, depth=2, window=(6, 60))
    assert out["alpha"] == ref.alpha and out["solver"] == "randomized"
    assert abs(ref.alpha - exact.alpha) < 1e-2 * (exact.alpha_ci[1] - exact.alpha_ci[0])
