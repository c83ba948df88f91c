"""tuyensinh.plan.background: a computation forked off to the other core gives what the same
call gives in this process, raises what it raises, and needs no pickling of its arguments."""

from __future__ import annotations

import os
from types import MappingProxyType

import pytest

from tuyensinh.plan.background import Background

FORK = hasattr(os, "fork")


def _weighted_total(weights: MappingProxyType, counts: dict[str, int]) -> tuple[float, int]:
    return sum(weights[k] * v for k, v in counts.items()), os.getpid()


def _fails(message: str) -> None:
    raise ValueError(message)


@pytest.mark.parametrize("parallel", [False, True])
def test_the_result_is_the_direct_calls_with_unpicklable_arguments(parallel: bool) -> None:
    weights = MappingProxyType({"a": 0.5, "b": 2.0})  # a mappingproxy cannot be pickled
    counts = {"a": 4, "b": 3}
    job = Background(_weighted_total, weights, counts, parallel=parallel)
    assert job.parallel == (parallel and FORK)
    total, pid = job.result()
    assert total == 0.5 * 4 + 2.0 * 3
    assert (pid != os.getpid()) == job.parallel  # computed in another process only when parallel
    job.close()  # harmless after result()


@pytest.mark.parametrize("parallel", [False, True])
def test_an_exception_reaches_the_caller(parallel: bool) -> None:
    job = Background(_fails, "no history", parallel=parallel)
    with pytest.raises(ValueError, match="no history"):
        job.result()
    job.close()


def _dies_in_a_child(parent: int) -> int:
    if os.getpid() != parent:
        os._exit(1)  # the forked process dies without a result
    return 7


@pytest.mark.skipif(not FORK, reason="needs the fork start method")
def test_a_dead_process_is_replaced_by_the_call_here() -> None:
    job = Background(_dies_in_a_child, os.getpid(), parallel=True)
    assert job.parallel
    assert job.result() == 7
