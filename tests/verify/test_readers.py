"""verify.readers: the one file reader (curves from CSV; arrays from .npy, .npz, CSV)."""

from __future__ import annotations

import pickle
import re
import zipfile

import numpy as np
import pytest

from verify.readers import CurveData, read_array, read_curve_csv

X = np.arange(12.0).reshape(4, 3) / 7


def _one_line(exc: pytest.ExceptionInfo, path) -> str:
    text = str(exc.value)
    assert "\n" not in text and str(path) in text, text
    return text


def _truncated_npy(path):
    """A valid header promising 10**12 float64 values, followed by 16 bytes."""
    with path.open("wb") as fh:
        np.lib.format.write_array_header_1_0(
            fh, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)})
        fh.write(b"\0" * 16)


class TestArrays:
    @pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
    def test_npy_round_trip(self, tmp_path, dtype):
        path = tmp_path / "a.npy"
        np.save(path, X.astype(dtype))
        out = read_array(path)
        assert out.dtype == dtype
        np.testing.assert_array_equal(out, X.astype(dtype))

    def test_npz_with_one_array_and_csv_equal_npy(self, tmp_path):
        np.savez(tmp_path / "a.npz", points=X)
        np.testing.assert_array_equal(read_array(tmp_path / "a.npz"), X)
        with (tmp_path / "c.NPZ").open("wb") as fh:  # upper-case suffix: a handle, or numpy appends .npz
            np.savez_compressed(fh, X)
        np.testing.assert_array_equal(read_array(tmp_path / "c.NPZ"), X)
        path = tmp_path / "a.csv"
        np.savetxt(path, X, delimiter=",", header="x0,x1,x2", comments="", fmt="%.17g")
        path.write_text("# comment\n\n" + path.read_text())
        np.testing.assert_array_equal(read_array(path), X)

    def test_pickled_object_npy_is_refused_and_nothing_runs(self, tmp_path, monkeypatch):
        """An object array's data are a pickle; reading it would execute whatever the pickle
        says. The reader refuses from the header, before the data are touched."""
        marker = tmp_path / "executed"

        class Payload:
            def __reduce__(self):
                return (open, (str(marker), "w"))  # creating the marker = code ran

        path = tmp_path / "evil.npy"
        arr = np.empty(2, dtype=object)
        arr[:] = [Payload(), Payload()]
        np.save(path, arr, allow_pickle=True)
        assert b"executed" in path.read_bytes()  # the payload really is in the file
        calls = []
        monkeypatch.setattr(pickle, "load", lambda *a, **k: calls.append(a))
        monkeypatch.setattr(pickle, "loads", lambda *a, **k: calls.append(a))
        with pytest.raises(ValueError) as exc:
            read_array(path)
        text = _one_line(exc, path)
        assert "dtype object" in text and "allow_pickle=False" in text and "refused" in text
        assert not marker.exists() and calls == []

    def test_pickled_object_inside_npz_is_refused(self, tmp_path):
        marker = tmp_path / "executed"

        class Payload:
            def __reduce__(self):
                return (open, (str(marker), "w"))

        arr = np.empty(1, dtype=object)
        arr[0] = Payload()
        path = tmp_path / "evil.npz"
        np.savez(path, X=arr)
        with pytest.raises(ValueError, match="holds the array 'X' of Python objects"):
            read_array(path)
        assert not marker.exists()

    @pytest.mark.parametrize(("make", "message"), [
        (lambda p: p.with_suffix(".txt").write_text("1,2\n"), r"must end in \.npy or \.csv or \.npz"),
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: p.write_text("not numpy"), r"is not a readable \.npy array"),
        (_truncated_npy,
         r"header promises shape \(1000000000000,\) of float64 \(8000000000000 bytes\) but 16 "
         r"bytes follow"),
        (lambda p: np.save(p, np.array(["a", "b"])), r"must hold a real numeric array; got an "
                                                     r"array of dtype <U1"),
        (lambda p: np.save(p, np.ones(3, complex)), r"dtype complex128"),
    ])
    def test_bad_npy(self, tmp_path, make, message):
        path = tmp_path / "bad.npy"
        make(path)
        target = path.with_suffix(".txt") if path.with_suffix(".txt").exists() else path
        with pytest.raises(ValueError) as exc:
            read_array(target)
        assert re.search(message, _one_line(exc, target)), str(exc.value)

    @pytest.mark.parametrize(("make", "message"), [
        (lambda p: np.savez(p, a=X, b=X), r"must hold exactly one array; got 2: \['a', 'b'\]"),
        (lambda p: np.savez(p), r"must hold exactly one array; got 0"),
        (lambda p: p.write_text("not a zip"), r"is not a readable \.npz archive"),
        (lambda p: zipfile.ZipFile(p, "w").writestr("X.npy", b"junk"),
         r"is not a readable \.npz archive"),
    ])
    def test_bad_npz(self, tmp_path, make, message):
        path = tmp_path / "bad.npz"
        make(path)
        with pytest.raises(ValueError) as exc:
            read_array(path)
        assert re.search(message, _one_line(exc, path)), str(exc.value)

    @pytest.mark.parametrize(("content", "message"), [
        ("1,2\n3,x\n", r"malformed CSV .*: line 2: 'x' is not a number"),
        ("1,2\n3,4,5\n", "line 2 has 3 columns, expected 2"),
        ("a,b\n", "contains no data rows"),
        (b"\x00\x01\x02\xff", r"must be UTF-8 text \(a CSV file\); got the byte b'\\xff' at offset 3"),
    ])
    def test_bad_csv(self, tmp_path, content, message):
        path = tmp_path / "bad.csv"
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        with pytest.raises(ValueError) as exc:
            read_array(path)
        assert re.search(message, _one_line(exc, path)), str(exc.value)

    def test_missing_file_is_os_error(self, tmp_path):
        with pytest.raises(FileNotFoundError):
            read_array(tmp_path / "missing.npy")


class TestCurves:
    def test_seeds_sorted_and_case_insensitive(self, tmp_path):
        path = tmp_path / "c.csv"
        path.write_text("# run\nSeed, Size ,LOSS\n0,20,0.3\n0,10,0.5\n1,10,0.6\n1,20,0.2\n")
        data = read_curve_csv(path)
        assert data == CurveData(sizes=(10.0, 20.0), losses=((0.5, 0.3), (0.6, 0.2)),
                                 seeds=("0", "1"))

    def test_not_utf8_names_the_file(self, tmp_path):
        path = tmp_path / "b.csv"
        path.write_bytes(b"size,loss\n\xff,1\n")
        with pytest.raises(ValueError, match=r"must be UTF-8 text"):
            read_curve_csv(path)

    def test_header_line_number_after_comments(self, tmp_path):
        path = tmp_path / "h.csv"
        path.write_text("# a comment\nx,y\n1,2\n")
        with pytest.raises(ValueError, match=r"h\.csv:2: the header must name the columns"):
            read_curve_csv(path)

    def test_commands_use_this_reader(self):
        from verify.commands import dimension, fit
        assert fit.read_curve_csv is read_curve_csv and fit.CurveData is CurveData
        assert dimension.read_array is read_array
