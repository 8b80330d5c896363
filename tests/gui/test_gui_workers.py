"""The generic worker and runner: results, failures, cancel, stale runs, throttled progress."""

from __future__ import annotations

import threading

import pytest

from anomaly_gui.errors import Cancelled, DataError
from anomaly_gui.gui.workers import TaskRunner


@pytest.fixture
def runner(qtbot):
    r = TaskRunner("test")
    yield r
    assert r.shutdown(5000)


def test_result_arrives_on_the_gui_thread(qtbot, runner):
    seen_threads = []

    def work(ctx):
        seen_threads.append(threading.current_thread())
        ctx.progress(0.5, "half")
        return 42

    with qtbot.waitSignal(runner.finished, timeout=5000) as blocker:
        runner.start(work)
    assert blocker.args == [42]
    assert seen_threads[0] is not threading.main_thread()
    qtbot.waitUntil(lambda: runner.active_thread_count == 0, timeout=5000)
    assert not runner.is_running


def test_failure_carries_the_exception(qtbot, runner):
    def work(ctx):
        raise DataError("bad data")

    with qtbot.waitSignal(runner.failed, timeout=5000) as blocker:
        runner.start(work)
    assert isinstance(blocker.args[0], DataError)


def test_cancel_stops_a_loop_that_checks(qtbot, runner):
    started = threading.Event()

    def work(ctx):
        started.set()
        while True:
            ctx.check_cancelled()
            threading.Event().wait(0.001)

    with qtbot.waitSignal(runner.cancelled, timeout=5000):
        runner.start(work)
        assert started.wait(5)
        runner.cancel()
    assert not runner.is_running


def test_a_new_run_drops_the_result_of_the_previous_one(qtbot, runner):
    release = threading.Event()
    results = []
    runner.finished.connect(results.append)

    def slow(ctx):
        release.wait(5)
        return "stale"  # finishes normally even though it was cancelled

    runner.start(slow)
    with qtbot.waitSignal(runner.finished, timeout=5000):
        runner.start(lambda ctx: "fresh")
    release.set()
    qtbot.waitUntil(lambda: runner.active_thread_count == 0, timeout=5000)
    assert results == ["fresh"]


def test_progress_is_throttled(qtbot, runner):
    count = []
    runner.progress.connect(lambda f, m: count.append(f))

    def chatty(ctx):
        for i in range(20000):
            ctx.progress(i / 20000, "step")
        ctx.progress(1.0, "done")
        return None

    with qtbot.waitSignal(runner.finished, timeout=10000):
        runner.start(chatty)
    assert 1 <= len(count) < 200
    assert count[-1] == 1.0


def test_shutdown_waits_for_a_cancelled_run(qtbot):
    r = TaskRunner("shutdown")
    started = threading.Event()

    def work(ctx):
        started.set()
        while True:
            ctx.check_cancelled()
            threading.Event().wait(0.001)

    r.start(work)
    assert started.wait(5)
    assert r.shutdown(5000)
    assert r.active_thread_count == 0
    assert not r.is_running


def test_cancelled_is_not_a_failure(qtbot, runner):
    def work(ctx):
        raise Cancelled()

    failures = []
    runner.failed.connect(failures.append)
    with qtbot.waitSignal(runner.cancelled, timeout=5000):
        runner.start(work)
    assert failures == []


def test_a_thread_that_outlives_shutdown_is_kept_until_it_ends(qtbot):
    from anomaly_gui.gui import workers

    r = TaskRunner("stubborn")
    release = threading.Event()
    started = threading.Event()

    def ignores_cancel(ctx):
        started.set()
        release.wait(10)  # e.g. a reader that cannot be interrupted

    r.start(ignores_cancel)
    assert started.wait(5)
    assert not r.shutdown(100)
    assert r.active_thread_count == 0 and len(workers._orphans) == 1
    thread = next(iter(workers._orphans))[0]
    release.set()
    assert thread.wait(5000)
    qtbot.waitUntil(lambda: len(workers._orphans) == 0, timeout=5000)


def test_progress_text_reads_epoch_k_of_n_and_loss():
    from anomaly_gui.gui.panels.detection_panel import progress_text

    assert progress_text(0.3, "Epoch 2/15, loss 0.123") == "Epoch 2/15 · loss 0.123"
    assert progress_text(0.5, "") == "50%%"  # QProgressBar format: a literal % is %%


def test_garbage_is_collected_on_the_gui_thread_only(qtbot):
    """A Qt object caught in a reference cycle must never be destroyed in a worker thread."""
    import gc

    from anomaly_gui.gui.app import make_application

    make_application()
    assert not gc.isenabled()
    collected_in = []

    class Cycle:
        def __init__(self):
            self.me = self

        def __del__(self):
            collected_in.append(threading.current_thread())

    Cycle()
    # Past the collection threshold, and kept there (freeing them would lower the count again).
    junk = [[] for _ in range(10 * gc.get_threshold()[0])]
    worker = threading.Thread(target=lambda: [[] for _ in range(10 * gc.get_threshold()[0])])
    worker.start()
    worker.join()
    assert collected_in == []  # the worker's allocations collected nothing
    qtbot.waitUntil(lambda: bool(collected_in), timeout=5000)
    assert collected_in == [threading.main_thread()]
    assert len(junk) > 0
