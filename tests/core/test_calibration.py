"""Calibration on held-out images: which answers test-time augmentation may skip."""

from __future__ import annotations

import numpy as np


def test_the_mirror_is_skipped_for_sure_answers_only_when_held_out_answers_agree():
    from infinityvision_desktop.core.calibration import fit_tta_below

    sure = np.tile([[0.95, 0.05]], (1000, 1))
    unsure = np.tile([[0.6, 0.4]], (1000, 1))
    first = np.concatenate([sure, unsure])
    every_view = first.copy()
    every_view[1000:1300] = [0.4, 0.6]  # the mirror moves unsure answers: that is what it is for
    assert fit_tta_below(first, every_view, 0.9) == 0.9
    every_view[:5] = [0.3, 0.7]  # and 5 of 1,000 sure ones: too many to skip it there
    assert fit_tta_below(first, every_view, 0.9) == 1.0
    assert fit_tta_below(unsure, unsure, 0.9) == 0.9  # nothing is sure: nothing to lose
