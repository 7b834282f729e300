"""The JSON schemas shipped in verify/output: every field of results.json and of
``python -m verify --json`` documented, checked against real output by the package's own
validator (``jsonschema`` is not a dependency)."""

from __future__ import annotations

import json

import pytest

from verify.__main__ import main
from verify.output.report import json_schema, validate_json

SCENARIOS = ["double-descent-ridge", "interp-lipschitz-d2"]  # values + curve; neither


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One quick report of two scenarios (about 0.3 s): (stdout JSON, results.json)."""
    import contextlib
    import io

    out = tmp_path_factory.mktemp("report")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main([*SCENARIOS, "--quick", "--out", str(out), "--no-figures", "--json"])
    assert code == 0, stderr.getvalue()
    return json.loads(stdout.getvalue()), json.loads((out / "results.json").read_text())


def _walk(schema, where="$"):
    """Every (path, subschema) of a schema."""
    yield where, schema
    for key in ("properties", "$defs"):
        for name, sub in schema.get(key, {}).items():
            yield from _walk(sub, f"{where}.{key}.{name}")
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from _walk(schema[key], f"{where}.{key}")
    for key in ("oneOf", "allOf"):
        for k, sub in enumerate(schema.get(key, ())):
            yield from _walk(sub, f"{where}.{key}[{k}]")


@pytest.mark.parametrize("which", ["results", "stdout"])
def test_every_field_is_described(which):
    schema = json_schema(which)
    for where, sub in _walk(schema):
        parent_is_properties = ".properties." in where and where.rsplit(".", 2)[-2] == "properties"
        if parent_is_properties:
            assert sub.get("description") or "$ref" in sub, where


def test_results_json_matches_its_schema(run):
    _, results = run
    schema = json_schema("results")
    validate_json(results, schema)
    for name, record in results["records"].items():   # what the command writes, strictly
        validate_json(record, {"$ref": "#/$defs/record"}, root=schema, where=f"$.records.{name}")
    validate_json(results["configuration"], {"$ref": "#/$defs/configuration"}, root=schema)
    assert results["configuration"]["blas_threads"] == 1


def test_json_output_matches_its_schema_and_numbers_are_numbers(run):
    printed, results = run
    validate_json(printed, json_schema("stdout"))
    assert printed["rows"] == results["rows"]
    row = printed["rows"][0]
    for field in ("predicted", "measured", "ci_lo", "ci_hi", "band", "shift"):
        assert isinstance(row[field], float), field
    curve = printed["records"][SCENARIOS[0]]["curve"]
    assert all(isinstance(v, float) for v in curve["mean"] + curve["x"])


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["rows"][0].update(measured="1.08"), r"\$\.rows\[0\]\.measured: must match"),
    (lambda d: d["rows"][0].update(measured="nan"), r"\$\.rows\[0\]\.measured: must match"),
    (lambda d: d["rows"][0].update(new_column=1), r"'new_column' is not documented"),
    (lambda d: d["records"][SCENARIOS[0]]["fit"].pop("alpha"), r"'alpha' is required"),
    (lambda d: d.update(exit_code=2), r"\$\.exit_code: must be one of \[0, 1\]"),
    (lambda d: d["rows"][0].update(verdict="maybe"), r"verdict: must be one of"),
    (lambda d: d["configuration"].update(blas_threads=True), r"blas_threads: must be integer"),
])
def test_the_validator_catches_each_kind_of_departure(run, edit, message):
    printed = json.loads(json.dumps(run[0]))
    edit(printed)
    with pytest.raises(ValueError, match=message):
        validate_json(printed, json_schema("stdout"))


def test_infinities_are_the_documented_strings():
    schema = json_schema("results")
    number = {"$ref": "#/$defs/number"}
    for ok in (1, 1.5, -2e300, "inf", "-inf"):
        validate_json(ok, number, root=schema)
    for bad in ("nan", "Infinity", "1.5", None, True):
        with pytest.raises(ValueError):
            validate_json(bad, number, root=schema)
    with pytest.raises(ValueError, match="unsupported keywords"):
        validate_json(1, {"pattern": "x"})
    with pytest.raises(ValueError, match="`which` must be one of"):
        json_schema("other")
