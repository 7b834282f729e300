"""Random features and infinite-width kernels of deep fully connected networks.

docs/real_networks.md: the finite-width NNGP and NTK features of one random
initialization (:mod:`verify.networks.features`) and their infinite-width limits by the
Gaussian-expectation recursion (:mod:`verify.networks.kernels`).
"""

from verify.networks.features import RandomNetwork as RandomNetwork
from verify.networks.features import nngp_features as nngp_features
from verify.networks.features import ntk_features as ntk_features
from verify.networks.features import ntk_gram as ntk_gram
from verify.networks.features import random_network as random_network
from verify.networks.kernels import ACTIVATIONS as ACTIVATIONS
from verify.networks.kernels import NetworkKernels as NetworkKernels
from verify.networks.kernels import network_kernels as network_kernels

__all__ = ["ACTIVATIONS", "NetworkKernels", "RandomNetwork", "network_kernels",
           "nngp_features", "ntk_features", "ntk_gram", "random_network"]
