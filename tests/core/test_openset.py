""" "None of the ten": the ImageNet check's mapping, its score, and how answers carry it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from infinityvision_desktop.core.labels import CIFAR10_LABELS
from infinityvision_desktop.core.modelfile import ModelMetadata
from infinityvision_desktop.core.openset import (
    CIFAR10_IMAGENET,
    ImageNetCheck,
    Outside,
    mapped_indices,
    outside_mass,
    short_name,
)

IMAGENET = json.loads((Path(__file__).resolve().parents[2] / "resources" / "imagenet_classes.json").read_text())


def test_each_class_maps_to_imagenet_classes_of_its_kind_and_no_class_is_mapped_twice():
    names = {label: {IMAGENET[i] for i in indices} for label, indices in CIFAR10_IMAGENET.items()}
    assert {"tabby", "Egyptian cat"} <= names["cat"]
    assert {"golden retriever", "pug"} <= names["dog"]
    assert {"airliner", "warplane"} <= names["airplane"]
    assert {"container ship", "speedboat"} <= names["ship"]
    assert {"fire engine", "trailer truck"} <= names["truck"]
    assert {"bullfrog", "tree frog"} <= names["frog"]
    everything = [i for indices in CIFAR10_IMAGENET.values() for i in indices]
    assert len(everything) == len(set(everything))
    assert "espresso" not in {IMAGENET[i] for i in everything}


def test_only_cifar10_models_get_the_check():
    assert mapped_indices(CIFAR10_LABELS) is not None
    assert mapped_indices(("cat", "dog")) is None


def test_the_score_is_the_probability_outside_the_mapped_classes():
    inside = mapped_indices(CIFAR10_LABELS)
    p = np.zeros((2, 1000))
    p[0, 967] = 0.9  # espresso
    p[0, 281] = 0.1  # tabby
    p[1, 281] = 0.7
    p[1, 967] = 0.3
    np.testing.assert_allclose(outside_mass(p, inside), [0.9, 0.3])
    assert short_name("tiger cat, Panthera tigris") == "tiger cat"


class _FakeCheck(ImageNetCheck):
    """The check's decision logic on given ImageNet probabilities, without the network."""

    def __init__(self, probabilities, threshold):
        self.names, self.inside, self.threshold = tuple(IMAGENET), mapped_indices(CIFAR10_LABELS), threshold
        self._probabilities = probabilities

    def probabilities(self, batch):
        return self._probabilities[: len(batch)]


def test_large_photos_outside_the_ten_say_what_they_look_like_and_small_ones_are_left_alone():
    p = np.zeros((2, 1000))
    p[0, 967], p[0, 281] = 0.8, 0.2  # an espresso
    p[1, 281], p[1, 967] = 0.9, 0.1  # a cat
    check = _FakeCheck(p, threshold=0.7)
    photos = [np.zeros((100, 120, 3), np.uint8), np.zeros((100, 120, 3), np.uint8)]
    assert check.check(photos) == [Outside("espresso", 0.8, pytest.approx(0.8)), None]
    assert check.check([np.zeros((32, 32, 3), np.uint8)]) == [None]


def test_outside_masses_scores_every_image_batch_by_batch_small_ones_too():
    class Scored(_FakeCheck):
        def probabilities(self, batch):  # an espresso for bright images, a cat for dark ones
            p = np.zeros((len(batch), 1000))
            bright = np.asarray(batch).mean(axis=(1, 2, 3)) > 127
            p[bright, 967], p[~bright, 281] = 1.0, 1.0
            return p

    check = Scored(None, threshold=0.7)
    images = [np.full((32, 32, 3), value, np.uint8) for value in (255, 0, 255, 0, 255)]
    masses = check.outside_masses(images, batch_size=2)
    np.testing.assert_allclose(masses, [1.0, 0.0, 1.0, 0.0, 1.0])
    assert check.outside_masses([]).shape == (0,)


def test_the_metadata_keeps_a_valid_check_and_refuses_a_broken_one():
    meta = ModelMetadata(labels=CIFAR10_LABELS, open_set={"imagenet_threshold": 0.9})
    assert ModelMetadata.from_dict(meta.to_dict()).open_set == {"imagenet_threshold": 0.9}
    with pytest.raises(ValueError, match="open_set"):
        ModelMetadata.from_dict({**meta.to_dict(), "open_set": {"imagenet_threshold": "high"}})


def test_an_answer_that_looks_like_none_of_the_ten_is_not_sure_and_says_so(tiny_model_path):
    from infinityvision_desktop.core.predictor import Predictor

    predictor = Predictor.load(tiny_model_path)
    predictor.metadata = predictor.metadata.replace(open_set={"imagenet_threshold": 0.7})
    p = np.zeros((1, 1000))
    p[0, 967] = 1.0
    predictor._open_set = _FakeCheck(p, 0.7)
    answer = predictor.predict([np.full((90, 90, 3), 128, np.uint8)])[0]
    assert answer.not_sure and answer.looks_like == "espresso"
    assert answer.to_dict()["looks_like"] == "espresso"
    assert predictor.decode_size == (224, 224)


def test_the_check_is_loaded_for_the_first_photo_not_for_cifar_sized_images(tiny_model_path, monkeypatch):
    from infinityvision_desktop.core.predictor import Predictor

    loads = []
    p = np.zeros((1, 1000))
    p[0, 281] = 1.0  # a cat

    def load(cls, labels, threshold):
        loads.append(threshold)
        return _FakeCheck(p, threshold)

    monkeypatch.setattr(ImageNetCheck, "load", classmethod(load))
    predictor = Predictor.load(tiny_model_path)
    predictor.metadata = predictor.metadata.replace(open_set={"imagenet_threshold": 0.7})

    predictor.predict([np.full((32, 32, 3), 128, np.uint8)] * 3)
    assert loads == []  # a folder of CIFAR images never waits for the ImageNet network
    predictor.predict([np.full((32, 32, 3), 128, np.uint8), np.full((90, 90, 3), 128, np.uint8)])
    assert loads == [0.7]
    predictor.warm_up(open_set=True)
    assert loads == [0.7]  # loaded once
