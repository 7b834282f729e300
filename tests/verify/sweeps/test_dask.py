"""A real Dask cluster (``distributed.LocalCluster``) as the sweep's executor.

The cluster is kept light for a 2-core machine: in-process workers (``processes=False``),
two of them, one thread each, no dashboard. The reference is the serial run; equality is
bit for bit (``test_sweep.assert_same``).
"""

from __future__ import annotations

import pytest

from verify.sweeps.run import run_sweep

distributed = pytest.importorskip("distributed")

from sweep_tasks import assert_same, configs_for, ls_task  # noqa: E402


@pytest.fixture(scope="module")
def dask_executor():
    cluster = distributed.LocalCluster(processes=False, n_workers=2, threads_per_worker=1,
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    try:
        yield client.get_executor()
    finally:
        client.close()
        cluster.close()


def test_dask_cluster_equals_serial_bitwise(dask_executor, tmp_path):
    configs = configs_for(range(5, 15))
    serial = run_sweep(ls_task, configs)
    dask = run_sweep(ls_task, configs[::-1], executor=dask_executor, chunksize=2,
                     cache_dir=tmp_path)
    assert (dask.n_cached, dask.n_computed) == (0, 10)
    assert_same(dask.results[::-1], serial.results)
    resumed = run_sweep(ls_task, configs, executor=dask_executor, cache_dir=tmp_path)
    assert (resumed.n_cached, resumed.n_computed) == (10, 0)
    assert_same(resumed.results, serial.results)


def test_dask_failure_is_a_sweep_error_with_partial_results(dask_executor):
    from verify.sweeps.run import SweepError

    configs = [*configs_for([5, 6]), {"n": 7}]  # the last has no seed: KeyError in the task
    with pytest.raises(SweepError, match="configuration 2") as info:
        run_sweep(ls_task, configs, executor=dask_executor, max_pending=1)
    assert isinstance(info.value.__cause__, KeyError)
    assert sorted(info.value.partial) == [0, 1]
