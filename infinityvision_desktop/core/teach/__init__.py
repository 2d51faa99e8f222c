"""Teach it in a minute: your own classes from about 20 photos each (issue 19).

- `project`: a teach project, a folder of class folders; images copied in; corrections marked.
- `features`: the ImageNet backbone's pooled features per image, cached by the file's content.
- `head`: the linear head fitted on them, and its cross-validated held-out probabilities.
- `trainer`: `Teacher.teach(source, out)`: features -> head -> calibration -> one saved .h5 model.

Qt-free; TensorFlow is imported only when a backbone is loaded or a model built.
"""

from infinityvision_desktop.core.teach.project import (
    MIN_IMAGES,
    RECOMMENDED_IMAGES,
    AddReport,
    ClassStatus,
    TeachError,
    TeachProject,
    check_class_name,
    readiness_message,
)

__all__ = [
    "MIN_IMAGES",
    "RECOMMENDED_IMAGES",
    "AddReport",
    "ClassStatus",
    "TeachError",
    "TeachProject",
    "check_class_name",
    "readiness_message",
]
