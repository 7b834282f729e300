"""``python -m asymptotics exponents``: the exponent of every regime for one scenario.

Examples::

    python -m asymptotics exponents --alpha-K 1 --d 4
    python -m asymptotics exponents --kernel matern --nu 1.5 --d 2 --a 3 --json
    python -m asymptotics exponents --b 2 --loss absolute --model lipschitz --d 3 --latex
    python -m asymptotics exponents --b 2 --a 3 --t --json

``--t`` adds the exponents of training time and compute (asymptotics.dynamics.laws): the
time-limited ``alpha_t``, the bottleneck when ``t``, ``D`` and ``P`` grow together, and the
compute-optimal ``L* ~ C^-y`` with ``P* ~ C^x`` for the top-P, single random-feature and
ensemble students. ``--a``, ``--b`` and ``--alpha-K`` are read exactly from their decimal
text (``2.0000001`` is ``20000001/10000000``, which the exact derivations refuse with a
clear message rather than round to 2).
"""

from __future__ import annotations

import argparse
import contextlib
import signal

NAME = "exponents"
HELP = ("derive the scaling exponents of every regime (variance- and resolution-limited, in D "
        "and P) with their conditions and sources")

__all__ = ["HELP", "NAME", "add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    spec = parser.add_mutually_exclusive_group()
    spec.add_argument("--alpha-K", dest="alpha_K", metavar="X",
                      help="kernel spectrum exponent: lambda_i ~ i^-(1+alpha_K), alpha_K > 0")
    spec.add_argument("--b", metavar="X", help="spectrum exponent: lambda_i ~ i^-b, b > 1")
    parser.add_argument("--a", metavar="X",
                        help="target exponent p_i ~ i^-a, a > 1 (default: a = b, isotropic teacher)")
    parser.add_argument("--d", metavar="INT", help="data manifold dimension (positive integer)")
    parser.add_argument("--loss", default="squared",
                        help="loss: squared, absolute, huber, logistic, cross_entropy, log_cosh, "
                             "pseudo_huber, quartic (default squared), or an expression in f "
                             "(prediction) and y (target) such as 'abs(f - y)**3'")
    parser.add_argument("--model", default="piecewise_linear",
                        help="interpolant: lipschitz, piecewise_constant, piecewise_linear "
                             "(default piecewise_linear)")
    parser.add_argument("--kernel", help="derive alpha_K from a kernel on the d-torus (matern, "
                                         "laplace, gaussian) or d-sphere (arccos, relu_ntk)")
    parser.add_argument("--nu", metavar="X", help="Matérn smoothness nu > 0")
    parser.add_argument("--degree", metavar="INT", help="arc-cosine kernel degree (default 1)")
    parser.add_argument("--t", dest="time", action="store_true",
                        help="also derive the training-time and compute-optimal exponents "
                             "(needs --b or --alpha-K)")
    parser.add_argument("--force", action="store_true",
                        help="go past the time bounds (arc-cosine degree above 5; a loss "
                             "expression whose derivation runs past 10 s)")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--latex", action="store_true", help="print a booktabs LaTeX table")


def _number(name: str, text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise TypeError(f"`{name}` must be a real number; got {text!r} (str)") from None


def _exact(name: str, text: str | None):
    """``text`` as the number its decimal form says exactly.

    The float is returned when the derivations' reading of it
    (:func:`asymptotics.symbols.exact`, at most 6 significant digits or a fraction with
    denominator <= 10**6) is the decimal exactly; otherwise the exact rational, so
    ``"2.0000001"`` is ``20000001/10000000`` (which the exact laws refuse with a clear
    message) and never silently 2. Text that is not a finite decimal (``inf``) stays a float,
    refused later by the laws."""
    import sympy as sp

    from asymptotics.symbols import exact
    value = _number(name, text)
    if value is None:
        return None
    try:
        decimal = sp.Rational(text.strip())
    except (TypeError, ValueError):
        return value
    return value if exact(value) == decimal else decimal


def _integer(name: str, text: str | None) -> int | None:
    from asymptotics._lib.validation import check_int
    value = _number(name, text)
    return None if value is None else check_int(name, value, minimum=1 if name == "d" else 0)


def _scenario(args: argparse.Namespace) -> dict:
    from asymptotics._lib.validation import check_real
    d = _integer("d", args.d)
    alpha_K, b, a = (_exact(n, getattr(args, n)) for n in ("alpha_K", "b", "a"))
    nu, degree = _number("nu", args.nu), _integer("degree", args.degree)
    if alpha_K is not None:
        check_real("alpha_K", alpha_K, gt=0)
        b = 1 + alpha_K
    from asymptotics._lib.validation import check_choice
    from asymptotics.resolution import MODELS
    check_choice("model", args.model, MODELS)  # validated even when no --d uses it
    if args.kernel is not None and d is None:
        raise ValueError("`d` must be given with `kernel` (the manifold dimension); got None")
    from asymptotics.variance import loss_expression
    loss_expression(args.loss)  # validated (and parsed, if an expression) before any work
    time = bool(getattr(args, "time", False))
    if time and b is None and args.kernel is None:
        raise ValueError("`t` needs a spectrum exponent (`b`, `alpha_K` or a polynomial "
                         "`kernel`); got none")
    return {"d": d, "b": b, "a": a, "loss": args.loss, "model": args.model,
            "kernel": args.kernel, "nu": nu, "degree": degree,
            "force": bool(getattr(args, "force", False)), "time": time}


def derive_all(sc: dict) -> tuple[list[tuple[str, object]], dict]:
    """All derivations for a scenario, as ``(context, Derivation)`` rows, plus notes."""
    import sympy as sp

    from asymptotics.kernel_spectra import kernel_decay
    from asymptotics.resolution import resolution_exponent
    from asymptotics.rf.laws import rf_exponents
    from asymptotics.variance import variance_limited

    rows: list[tuple[str, object]] = []
    notes: dict = {}
    b = sc["b"]
    if sc["kernel"] is not None:
        params = {k: sc[k] for k in ("nu", "degree") if sc[k] is not None}
        spec = kernel_decay(sc["kernel"], sc["d"], force=sc.get("force", False), **params)
        rows.append((f"kernel {sc['kernel']}", spec))
        if b is None and spec.exponent != sp.oo:
            b = 1 + spec.exponent
        elif spec.exponent == sp.oo:
            notes["random_features"] = "super-polynomial spectrum: no power-law RF exponents"
    if sc["a"] is not None and b is None:
        raise ValueError("`a` needs a spectrum exponent (`b`, `alpha_K` or a polynomial "
                         f"`kernel`); got a={sc['a']!r} alone")
    for axis in ("data", "width"):
        rows.append((f"loss {sc['loss']}", variance_limited(sc["loss"], axis)))
    if sc["d"] is not None:
        for axis in ("data", "parameters"):
            rows.append((f"{sc['model']} model, loss {sc['loss']}",
                         resolution_exponent(sc["d"], sc["loss"], sc["model"], axis)))
    if b is not None:
        try:
            rf = rf_exponents(b, sc["a"])
        except ValueError as exc:
            if sc["b"] is not None or sc["kernel"] is None:
                raise
            # b = 1 + alpha_K came from the kernel: name the options the user gave
            given = ", ".join(f"--{k} {sc[k]}" for k in ("nu", "degree", "d") if sc[k] is not None)
            raise ValueError(f"`kernel` {sc['kernel']} with {given} gives alpha_K = "
                             f"{float(spec.exponent):.6g}, for which the random-feature laws "
                             f"refuse b = 1 + alpha_K: {exc}") from exc
        label = f"linear RF, b={rf.b}, a={rf.a}"
        rows += [(label, rf.alpha_D), (label, rf.alpha_P), (label, rf.variance_D),
                 (label, rf.variance_P)]
        notes["duality_holds"] = rf.duality_holds
        if sc.get("time"):
            _time_rows(rf.b, rf.a, rows, notes)
    return rows, notes


def _time_rows(b: object, a: object, rows: list, notes: dict) -> None:
    """The training-time and compute exponents (asymptotics.dynamics.laws) as rows."""
    from asymptotics.dynamics.laws import (
        STUDENTS,
        bottleneck_exponent,
        compute_optimal,
        time_exponent,
    )
    label = f"gradient descent, b={b}, a={a}"
    rows.append((label, time_exponent(b, a)))
    rows.append((f"{label}, t = D = P = N", bottleneck_exponent(b, a, time=1, data=1,
                                                               parameters=1)))
    notes["compute_optimal"] = []
    for student in STUDENTS:
        co = compute_optimal(b, a, student=student)
        rows.append((f"{label}, C = P t, {student} student", co.loss))
        notes["compute_optimal"].append(co.to_dict())


def _text(rows: list, notes: dict) -> str:
    out = []
    for context, der in rows:
        value = der.to_dict()["value"]
        status = "" if der.holds else "  CONDITIONS FAIL"
        out.append(f"{der.quantity:8s} {der.regime:33s} {der.exponent!s:>8s}  (= {value})"
                   f"  [{context}]{status}")
        out.append(f"         source: {der.source}")
        out += [f"         if: {c}" for c in der.conditions]
    for key, val in notes.items():
        if key == "compute_optimal":
            out += [f"compute-optimal ({c['student']}): P* ~ C^{c['x']}, t* ~ "
                    f"C^{c['steps_exponent']}, L* ~ C^-{c['y']}" for c in val]
            continue
        out.append(f"{key}: {val}")
    return "\n".join(out)


#: wall-clock bound (seconds) on the sympy derivations for a loss given as an expression, whose
#: cost cannot be estimated up front (the named losses answer in about a second)
EXPRESSION_SECONDS = 5.0


@contextlib.contextmanager
def _time_limit(parameter: str, value: object, seconds: float, active: bool):
    """Stop the work after ``seconds`` of wall-clock time with a one-line BudgetExceeded."""
    from asymptotics._lib.budget import BudgetExceeded
    if not active or not hasattr(signal, "setitimer"):
        yield
        return

    class _Expired(BaseException):  # not an Exception: sympy's `except Exception` lets it by
        pass

    def _expired(signum, frame):
        raise _Expired

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise BudgetExceeded(parameter, repr(value), "sympy time", f"more than {seconds:g} s",
                             f"{seconds:g} s", "use a named loss, a simpler expression, or "
                             "--force to wait") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run(args: argparse.Namespace) -> int:
    from asymptotics._lib.serialize import dumps
    sc = _scenario(args)
    custom_loss = not args.loss.strip().isidentifier()
    with _time_limit("loss", args.loss, EXPRESSION_SECONDS, custom_loss and not sc["force"]):
        rows, notes = derive_all(sc)
    if args.json:
        import sympy as sp
        shown = {k: (float(v) if isinstance(v, sp.Basic) else v) for k, v in sc.items()}
        shown.update({f"{k}_exact": sp.sstr(sc[k]) for k in ("a", "b")
                      if isinstance(sc[k], sp.Basic)})
        print(dumps({"scenario": shown, "notes": notes,
                     "derivations": [{"context": c, **der.to_dict()} for c, der in rows]}))
    elif args.latex:
        from asymptotics._lib.latex import derivation_table
        print(derivation_table(rows))
    else:
        print(_text(rows, notes))
    return 0
