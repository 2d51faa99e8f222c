"""Progress and time left of a training run, headless, driven with made-up clocks."""

from __future__ import annotations

import pytest

from infinityvision_desktop.core.training_config import Stage
from infinityvision_desktop.core.training_progress import EtaClock, RunProgress

HEAD = Stage("head", 0, 1, "head", "adam", 1e-3)
FINE = Stage("fine-tune", 1, 2, "fine", "sgd", 0.01)


def test_batches_are_counted_over_the_whole_run_across_stages():
    progress = RunProgress([HEAD, FINE])
    assert progress.epochs == 3
    assert progress.run_epoch(FINE, 1) == 2

    first = progress.batch_done(HEAD, 1, 1, 10, 2.5, now=0.0)
    assert (first.stage, first.stage_number, first.stage_count) == ("head", 1, 2)
    assert (first.epoch, first.epochs, first.batch, first.done, first.total) == (1, 3, 1, 1, 30)
    assert first.loss == 2.5 and first.eta_seconds is None  # not timed yet

    later = progress.batch_done(FINE, 2, 4, 10, 0.5, now=1.0)
    assert (later.stage, later.stage_number, later.stage_epoch, later.epoch, later.done) == ("fine-tune", 2, 2, 3, 24)


def test_progress_is_reported_only_when_a_whole_percent_more_is_done():
    train = Stage("train", 0, 1, "all", "sgd", 0.1)
    progress = RunProgress([train])
    reported = [progress.batch_done(train, 1, batch, 1000, 1.0, now=batch) is not None for batch in range(1, 1001)]
    assert sum(reported) == 101 and reported[0]  # 0% (the first batch), 1% ... 100%: once each
    assert progress.data_step(5, 1000) and not progress.data_step(6, 1000) and progress.data_step(10, 1000)


def test_advance_reports_every_batch_for_a_caller_that_draws_by_time():
    train = Stage("train", 0, 2, "all", "sgd", 0.1)
    progress = RunProgress([train])

    shown = [progress.advance(train, 1, batch, 1000, 1.0, now=batch) for batch in range(1, 6)]

    assert [p.done for p in shown] == [1, 2, 3, 4, 5] and shown[-1].total == 2000
    assert shown[2].eta_seconds is None  # too few batches timed
    assert shown[-1].eta_seconds == pytest.approx(1995.0)  # 1 s a batch for the 1995 left; no epoch ended yet


def test_time_left_counts_batches_and_the_per_epoch_overhead():
    clock = EtaClock()
    clock.stage_started()
    for now in (10.0, 11.0, 12.0):  # the first batch, which traced the graph, is not timed
        clock.batch_done(now)
    assert clock.eta(10, 1) is None  # two intervals are too few to go by
    clock.batch_done(13.0)
    assert clock.batch_seconds == pytest.approx(1.0)
    clock.epoch_done(16.0)  # validation and the checkpoint took 3 s
    assert clock.eta(10, 2) == pytest.approx(10 * 1.0 + 2 * 3.0)


def test_a_slow_first_batch_after_an_epoch_does_not_send_the_time_left_up():
    # Lite0 on 30,000 images: ~2 s a batch; the first batch after the first validation took ~50 s
    # once, and as a batch time it sent the estimate from 1 h to 7 h
    train = Stage("train", 0, 10, "all", "sgd", 0.1)
    progress = RunProgress([train])
    progress.stage_started()
    now = 0.0
    for batch in range(1, 223):
        now += 2.0
        before = progress.advance(train, 1, batch, 222, 1.0, now=now)
    now += 20.0  # validation and the checkpoint
    progress.epoch_done(now=now)
    now += 50.0
    first = progress.advance(train, 2, 1, 222, 1.0, now=now)

    assert progress.clock.batch_seconds == pytest.approx(2.0)
    left = 8 * 222 + 221
    assert first.eta_seconds == pytest.approx(left * 2.0 + 9 * 20.0)
    assert first.eta_seconds < 1.5 * before.eta_seconds  # the bar's time left does not leap
    now += 2.0
    assert progress.advance(train, 2, 2, 222, 1.0, now=now).eta_seconds < first.eta_seconds


@pytest.mark.parametrize("batches", [1, 2])
def test_time_left_is_shown_from_the_fourth_epoch_with_one_or_two_batches_an_epoch(batches):
    # a small folder in batches of 512: one or two batches an epoch, each one timed
    train = Stage("train", 0, 10, "all", "sgd", 0.1)
    progress = RunProgress([train])
    progress.stage_started()
    now, shown = 0.0, {}
    for epoch in range(1, 11):
        for batch in range(1, batches + 1):
            now += 2.0
            shown[epoch] = progress.advance(train, epoch, batch, batches, 1.0, now=now).eta_seconds
        now += 1.0
        progress.epoch_done(now=now)
    assert shown[4] is not None
    assert shown[9] == pytest.approx(batches * 2.0 + 2 * 1.0)  # the last epoch's batches, then two ends
