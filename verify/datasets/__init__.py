"""Real inputs for the paper's experiments: bundled digits and MNIST, pooling, user arrays.

docs/real_networks.md §2. :func:`verify.datasets.load.load_dataset` is the one path from a dataset name or a
user file to prepared inputs on the sphere.
"""

from verify.datasets.bundled import BUNDLED as BUNDLED
from verify.datasets.bundled import load_bundled as load_bundled
from verify.datasets.load import Dataset as Dataset
from verify.datasets.load import load_dataset as load_dataset
from verify.datasets.preprocess import average_pool as average_pool
from verify.datasets.preprocess import to_sphere as to_sphere

__all__ = ["BUNDLED", "Dataset", "average_pool", "load_bundled", "load_dataset", "to_sphere"]
