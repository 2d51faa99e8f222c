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
    FLOOR,
    ImageNetCheck,
    Outside,
    class_groups,
    class_shares,
    fuse,
    groups_for,
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
    assert class_groups(CIFAR10_LABELS).shape == (1000, 10)
    assert class_groups(("cat", "dog")) is None


def test_the_score_is_the_probability_outside_the_mapped_classes():
    inside = np.flatnonzero(class_groups(CIFAR10_LABELS).any(axis=1))
    p = np.zeros((2, 1000))
    p[0, 967] = 0.9  # espresso
    p[0, 281] = 0.1  # tabby
    p[1, 281] = 0.7
    p[1, 967] = 0.3
    np.testing.assert_allclose(outside_mass(p, inside), [0.9, 0.3])
    assert short_name("tiger cat, Panthera tigris") == "tiger cat"


class _FakeCheck(ImageNetCheck):
    """The check's decision logic on given ImageNet probabilities, without the network."""

    def __init__(self, probabilities, threshold, labels=CIFAR10_LABELS):
        self.names, self.groups, self.threshold = tuple(IMAGENET), groups_for(labels), threshold
        self.inside = np.flatnonzero(self.groups.any(axis=1))
        self._probabilities = probabilities

    def probabilities(self, batch):
        return self._probabilities[: len(batch)]


def test_large_photos_outside_the_ten_say_what_they_look_like_and_small_ones_are_left_alone():
    p = np.zeros((2, 1000))
    p[0, 967], p[0, 281] = 0.8, 0.2  # an espresso
    p[1, 281], p[1, 967] = 0.9, 0.1  # a cat
    check = _FakeCheck(p, threshold=0.7)
    photos = [np.zeros((100, 120, 3), np.uint8), np.zeros((100, 120, 3), np.uint8)]
    espresso, cat = check.check(photos)
    assert espresso.outside == Outside("espresso", 0.8, pytest.approx(0.8))
    assert cat.outside is None
    assert cat.shares[CIFAR10_LABELS.index("cat")] == pytest.approx(1.0)  # its opinion among the ten
    assert check.check([np.zeros((32, 32, 3), np.uint8)]) == [None]


def test_the_imagenet_shares_sum_each_class_group_among_the_ten():
    groups = class_groups(CIFAR10_LABELS)
    p = np.zeros((2, 1000))
    p[0, 207], p[0, 151], p[0, 281], p[0, 967] = 0.3, 0.2, 0.1, 0.4  # two dog breeds, a tabby, an espresso
    p[1, 967] = 1.0  # nothing inside the ten: no opinion among them
    shares = class_shares(p, groups)
    assert shares[0, CIFAR10_LABELS.index("dog")] == pytest.approx(5 / 6)
    assert shares[0, CIFAR10_LABELS.index("cat")] == pytest.approx(1 / 6)
    np.testing.assert_allclose(shares[1], np.full(10, 0.1))


def test_fusing_lets_a_confident_imagenet_opinion_decide_but_neither_can_veto_a_class_alone():
    cat, dog, deer = (CIFAR10_LABELS.index(name) for name in ("cat", "dog", "deer"))
    network = np.full(10, 0.01)
    network[cat], network[dog] = 0.61, 0.30  # a photographed dog, seen at 32 px as a cat
    opinion = np.zeros(10)
    opinion[dog] = 1.0  # seen at 224 px: a dog
    fused = fuse(network, opinion)
    assert fused.argmax() == dog and fused.sum() == pytest.approx(1.0)
    # ImageNet has no deer: a sure deer of the network survives an unsure opinion that gives it nothing
    network = np.full(10, 1e-3)
    network[deer] = 1 - 9e-3
    unsure = np.full(10, 1 / 9)
    unsure[deer] = 0.0
    assert fuse(network, unsure).argmax() == deer
    # and the other way round: a sure opinion carries a class the unsure network gives nothing
    network = np.full(10, 1 / 9)
    network[dog] = 0.0
    assert fuse(network, opinion).argmax() == dog
    assert fuse(network, opinion)[dog] > 0.4 and FLOOR == 1e-3  # each other class 0.056
    # both sure of different classes: near even, which the "not sure" threshold (0.654) catches
    network = np.full(10, 1e-5)
    network[deer] = 1 - 9e-5
    both = fuse(network, opinion)
    assert both[dog] == pytest.approx(0.5, abs=0.01) and both[deer] == pytest.approx(0.5, abs=0.01)


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
    predictor._open_set = _FakeCheck(p, 0.7, labels=predictor.metadata.labels)
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
        return _FakeCheck(p, threshold, labels=labels)

    monkeypatch.setattr(ImageNetCheck, "load", classmethod(load))
    predictor = Predictor.load(tiny_model_path)
    predictor.metadata = predictor.metadata.replace(open_set={"imagenet_threshold": 0.7})

    predictor.predict([np.full((32, 32, 3), 128, np.uint8)] * 3)
    assert loads == []  # a folder of CIFAR images never waits for the ImageNet network
    predictor.predict([np.full((32, 32, 3), 128, np.uint8), np.full((90, 90, 3), 128, np.uint8)])
    assert loads == [0.7]
    predictor.warm_up(open_set=True)
    assert loads == [0.7]  # loaded once


def test_a_photos_answer_weighs_the_imagenet_opinion_and_a_thumbnails_is_the_networks_alone(tiny_model_path):
    from infinityvision_desktop.core.predictor import Predictor

    predictor = Predictor.load(tiny_model_path)
    predictor.metadata = predictor.metadata.replace(open_set={"imagenet_threshold": 0.9})
    labels = predictor.metadata.labels
    assert labels == ("cat", "dog", "frog", "ship")
    seen = np.array([0.6, 0.3, 0.05, 0.05])  # the network at 32 px: a cat, maybe a dog
    predictor.probabilities = lambda batch: np.tile(seen, (len(batch), 1))
    p = np.zeros((1, 1000))
    p[0, 852], p[0, 207] = 0.5, 0.3  # at 224 px: a tennis ball first, and of the classes a golden retriever
    predictor._open_set = _FakeCheck(p, 0.9, labels=labels)

    photo, thumbnail = np.full((128, 128, 3), 90, np.uint8), np.full((32, 32, 3), 90, np.uint8)
    answers = predictor.predict([photo, thumbnail])
    assert answers[0].label == "dog" and not answers[0].not_sure and answers[0].looks_like is None
    assert answers[0].probabilities == pytest.approx(tuple(fuse(seen, [0, 1, 0, 0])))
    stricter = answers[0].with_threshold(0.999)  # the user's own "not sure" threshold judges the same answer
    assert stricter.not_sure and stricter.label == "dog" and stricter.probabilities == answers[0].probabilities
    assert answers[1].label == "cat" and answers[1].probabilities == tuple(seen)  # the network alone
    # what the opinion saw goes with the photo's answer (the window shows it), not with the thumbnail's
    assert (answers[0].seen_as, answers[0].seen_probability) == ("tennis ball", 0.5)  # its top class of all
    assert answers[0].to_dict()["imagenet"] == {"class": "tennis ball", "probability": 0.5}
    assert answers[1].seen_as is None and "imagenet" not in answers[1].to_dict()
