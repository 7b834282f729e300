"""verify.readers.read_table: named columns of CSV and Parquet; bad files in one line."""

import re

import numpy as np
import pytest

from verify.readers import read_table


def _csv(tmp_path, text, name="t.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = "# a run\nN,D,loss,seed\n1e6,1e8,3.5,a\n1e7,1e8,3.0,a\n1e6,1e9,3.1,b\n"


def test_csv_columns_and_lines(tmp_path):
    t = read_table(_csv(tmp_path, GOOD), x=["N", "D"], y="loss", group="seed")
    assert t.x == ((1e6, 1e8), (1e7, 1e8), (1e6, 1e9))
    assert t.y == (3.5, 3.0, 3.1) and t.groups == ("a", "a", "b") and t.lines == (3, 4, 5)
    # case-insensitive match when the exact name is absent
    assert read_table(_csv(tmp_path, GOOD), x=["n"], y="LOSS").x[1] == (1e7,)


def test_parquet_matches_csv(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"N": [1e6, 1e7, 1e6], "D": [1e8, 1e8, 1e9],
                             "loss": [3.5, 3.0, 3.1], "seed": ["a", "a", "b"]}), path)
    t = read_table(path, x=["N", "D"], y="loss", group="seed")
    assert t.x == read_table(_csv(tmp_path, GOOD), x=["N", "D"], y="loss").x
    pq.write_table(pa.table({"N": [1e6, float("nan")], "loss": [1.0, 2.0]}), path)
    with pytest.raises(ValueError, match=re.escape(f"{path}: row 2: column `N` must be a "
                                                   "number; got NaN")):
        read_table(path, x=["N"], y="loss")


@pytest.mark.parametrize(("text", "message"), [
    ("N,loss\n1,2\n2,1\n", ":1: no column `D` in the header"),
    ("N,D,loss\n1e6,1e8,3\n1e7,abc,2\n", ":3: column `D` must be a number; got 'abc'"),
    ("N,D,loss\n1e6,1e8,3\n0,1e9,2\n", ":3: column `N` must be positive"),
    ("N,D,loss\n1e6,1e8,3\n1e7,1e9,-2\n", ":3: column `loss` must be positive"),
    ("N,D,loss\n1e6,1e8,nan\n1e7,1e9,2\n", ":2: column `loss` must be a number; got NaN"),
    ("N,D,loss\n1e6,1e8,3\n1e6,1e9,2\n", "column `N` has one distinct value"),
    ("N,D,loss\n1e6,1e8,3\n1e7,1e9\n", ":3: expected 3 fields like the header; got 2"),
    ("N,D,loss\n", "no data rows"),
    ("", "the file is empty"),
])
def test_bad_files_name_file_line_and_column(tmp_path, text, message):
    path = _csv(tmp_path, text)
    with pytest.raises(ValueError) as info:
        read_table(path, x=["N", "D"], y="loss")
    text = str(info.value)
    assert text.startswith(str(path)) and message in text and "\n" not in text


def test_suffix_and_column_choice_refused(tmp_path):
    with pytest.raises(ValueError, match="must end in one of"):
        read_table(_csv(tmp_path, GOOD, "t.txt"), x=["N"], y="loss")
    with pytest.raises(ValueError, match="must be distinct"):
        read_table(_csv(tmp_path, GOOD), x=["N"], y="N")
    assert np.isfinite(read_table(_csv(tmp_path, GOOD), x=["D"], y="loss").y).all()
