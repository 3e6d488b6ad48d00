"""The cache without Redis (clinic.cache.FileBasedCache): files every process on the machine
shares, with rate-limit counts that no two processes can both miss."""

import multiprocessing

from clinic.cache import FileBasedCache


def count(location: str, times: int) -> None:
    cache = FileBasedCache(location, {})
    for _ in range(times):
        if not cache.add("hits", 1, 60):
            cache.incr("hits")


def test_four_processes_counting_at_once_lose_no_count(tmp_path):
    processes = [
        multiprocessing.get_context("spawn").Process(target=count, args=(str(tmp_path), 100))
        for _ in range(4)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    assert FileBasedCache(str(tmp_path), {}).get("hits") == 400


def test_a_value_set_by_one_process_is_read_by_another(tmp_path):
    FileBasedCache(str(tmp_path), {}).set("public-pages:version", "v2", None)
    assert FileBasedCache(str(tmp_path), {}).get("public-pages:version") == "v2"
