"""``python -m verify fit FILE --x ... --model ...``: the scaling-law path of the command."""

from __future__ import annotations

import json

import numpy as np
import pytest

from verify.__main__ import main
from verify.fit import fit_law

N5, D5 = np.geomspace(1e6, 1e9, 5), np.geomspace(1e8, 1e11, 5)


@pytest.fixture(scope="module")
def grid_csv(tmp_path_factory):
    rng = np.random.default_rng(4)
    rows, X, Y, G = ["N,D,loss,seed"], [], [], []
    for n in N5:
        for d in D5:
            for s in range(3):
                y = (1.7 + 400 * n ** -0.34 + 410 * d ** -0.28) * np.exp(
                    0.01 * rng.standard_normal())
                rows.append(f"{float(n)!r},{float(d)!r},{float(y)!r},s{s}")
                X.append((n, d))
                Y.append(y)
                G.append(f"s{s}")
    path = tmp_path_factory.mktemp("laws") / "grid.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path, np.array(X), np.array(Y), np.array(G)


def _run(capsys, *argv):
    code = main(["fit", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_chinchilla_json_matches_the_library(capsys, grid_csv):
    path, X, Y, G = grid_csv
    code, out, _ = _run(capsys, path, "--x", "N,D", "--y", "loss", "--group", "seed",
                        "--model", "chinchilla", "--json", "--resamples", "49",
                        "--compute", "1e20,1e22")
    assert code == 0
    data = json.loads(out)
    lib = fit_law(x=X, y=Y, group=G, model="chinchilla", n_resamples=49, rng=0)
    assert data["params"]["alpha"] == pytest.approx(lib.params["alpha"], rel=1e-12)
    assert data["intervals"]["beta"] == pytest.approx(list(lib.intervals["beta"]), rel=1e-12)
    assert len(data["allocation"]["n_opt"]) == 2
    assert data["fit"]["lack_of_fit_p"] is None or data["fit"]["lack_of_fit_p"] > 1e-3


def test_text_latex_and_figure(capsys, grid_csv, tmp_path):
    path = grid_csv[0]
    fig = tmp_path / "fit.png"
    code, out, _ = _run(capsys, path, "--x", "N,D", "--model", "chinchilla", "--bootstrap",
                        "none", "--figure", fig)
    assert code == 0 and "alpha" in out and "analytic [" in out and fig.stat().st_size > 1000
    code, out, _ = _run(capsys, path, "--x", "N,D", "--model", "chinchilla", "--bootstrap",
                        "none", "--latex")
    lines = out.strip().splitlines()
    assert lines[0] == "\\begin{tabular}{lll}" and "\\toprule" in lines
    assert any(line.startswith("$\\alpha$ & $0.3") and "\\pm" in line for line in lines)


def test_one_variable_figure(capsys, tmp_path):
    x = np.geomspace(1e3, 1e6, 10)
    path = tmp_path / "one.csv"
    path.write_text("size,loss\n" + "".join(f"{float(a)!r},{float(0.5 + 3 * a ** -0.5)!r}\n"
                                            for a in x), encoding="utf-8")
    fig = tmp_path / "one.png"
    code, out, _ = _run(capsys, path, "--x", "size", "--model", "offset", "--figure", fig,
                        "--bootstrap", "none")
    assert code == 0 and fig.exists() and "E " in out


@pytest.mark.parametrize(("text", "argv", "message"), [
    ("N,loss\n1,2\n2,1\n", ["--x", "N,D"], ":1: no column `D` in the header"),
    ("N,D,loss\n1e6,1e8,3\n1e7,abc,2\n", ["--x", "N,D"], ":3: column `D` must be a number"),
    ("N,D,loss\n1e6,1e8,3\n-1,1e9,2\n", ["--x", "N,D"], ":3: column `N` must be positive"),
    ("N,D,loss\n1e6,1e8,3\n1e6,1e9,2\n", ["--x", "N,D"], "column `N` has one distinct value"),
    ("N,D,loss\n1e6,1e8,nan\n1e7,1e9,2\n", ["--x", "N,D"], ":2: column `loss` must be a number"),
    ("N,D,loss\n1e6,1e8,3\n1e7,1e9,2\n", ["--x", "N,D"],
     "size column N has 2 distinct value(s); the chinchilla law needs at least 3"),
    ("N,loss\n1,2\n2,1\n", ["--model", "power"], "--model needs --x"),
    ("N,loss\n1,2\n2,1\n", ["--x", "N", "--compute", "1e20"], "--compute needs --model"),
])
def test_bad_files_and_options_one_line(capsys, tmp_path, text, argv, message):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    if "--model" not in argv and "--x" in argv and "N,D" in argv:
        argv = [*argv, "--model", "chinchilla"]
    code, out, err = _run(capsys, path, *argv)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], err


@pytest.mark.parametrize("model", ["rf"])  # kaplan goes the same way (test_laws.py fits it)
def test_two_variable_forms_from_the_command_line(capsys, tmp_path, model):
    # noiseless grids of each form; P (or N) never equals D for the rf law
    sizes = np.column_stack([a.ravel() for a in np.meshgrid(np.geomspace(100, 1e5, 5),
                                                            np.geomspace(150, 1.5e5, 5))])
    if model == "kaplan":
        y = ((1e3 / sizes[:, 0]) ** (0.3 / 0.5) + 1e4 / sizes[:, 1]) ** 0.5
    else:
        m, M = sizes.min(axis=1), sizes.max(axis=1)
        y = 2.0 * m ** -0.6 * M / (M - m)
    path = tmp_path / "grid.csv"
    path.write_text("N,D,loss\n" + "".join(f"{a!r},{b!r},{c!r}\n" for (a, b), c in
                                           zip(sizes.tolist(), y.tolist(), strict=True)))
    figure = ("--figure", tmp_path / "fit.png") if model == "rf" else ()  # the peak at P = D
    code, out, _ = _run(capsys, path, "--x", "N,D", "--model", model, "--json",
                        "--bootstrap", "none", *figure)
    assert code == 0
    params = json.loads(out)["params"]
    truth = {"alpha_N": 0.3, "alpha_D": 0.5} if model == "kaplan" else {"A": 2.0, "alpha": 0.6}
    for k, v in truth.items():
        assert params[k] == pytest.approx(v, rel=1e-6)
    assert model != "rf" or (tmp_path / "fit.png").stat().st_size > 0
    code, _, err = _run(capsys, path, "--x", "N,D", "--model", model, "--compute", "1e20")
    assert code == 2 and "chinchilla" in err


def test_theory_allocation_from_the_command_line(capsys, tmp_path):
    # the theory's curve L = E + P^-alpha_P + t^-alpha_t for b = 2, a = 2.5 (top student):
    # alpha_P = a - 1 = 1.5, alpha_t = (a - 1)/b = 0.75, so x = 1/3 and y = 1/2 (DY.8)
    sizes = np.column_stack([a.ravel() for a in np.meshgrid(np.geomspace(10, 1e3, 6),
                                                            np.geomspace(10, 1e4, 6))])
    y = 1e-3 + sizes[:, 0] ** -1.5 + sizes[:, 1] ** -0.75
    path = tmp_path / "pt.csv"
    path.write_text("P,t,loss\n" + "".join(f"{a!r},{b!r},{c!r}\n" for (a, b), c in
                                           zip(sizes.tolist(), y.tolist(), strict=True)))
    code, out, _ = _run(capsys, path, "--x", "P,t", "--model", "chinchilla", "--json",
                        "--bootstrap", "none", "--theory", "2,2.5")
    assert code == 0
    theory = json.loads(out)["theory_allocation"]
    assert theory["predicted_x"] == pytest.approx(1 / 3, rel=1e-12)
    assert theory["measured_x"] == pytest.approx(1 / 3, rel=1e-6)
    assert theory["measured_y"] == pytest.approx(1 / 2, rel=1e-6)
    code, _, err = _run(capsys, path, "--x", "P,t", "--model", "power", "--theory", "2")
    assert code == 2 and "--theory needs --model chinchilla" in err
