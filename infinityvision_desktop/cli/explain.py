"""`infinityvision explain`: a picture of where the model looked, a Grad-CAM heatmap over the image."""

from __future__ import annotations

from pathlib import Path

from infinityvision_desktop.cli.arguments import MODEL_HELP, model_path
from infinityvision_desktop.cli.console import error
from infinityvision_desktop.core import atomic

COMMANDS = ("explain",)
EXPLAIN_MAX_SIDE = 2048


def add_parsers(sub) -> None:
    p = sub.add_parser("explain", help="save a picture of where the model looked (a Grad-CAM heatmap over the image)")
    p.add_argument("image", metavar="IMAGE")
    p.add_argument(
        "--class", dest="class_name", metavar="NAME", help="explain this class (default: the model's answer)"
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="PNG",
        help=f"the picture to write (.png or .jpg; long side at most {EXPLAIN_MAX_SIDE} px)",
    )
    p.add_argument("--model", help=MODEL_HELP)
    p.add_argument(
        "--opacity", type=float, default=0.5, help="how strongly the heatmap covers the image, 0-1 (default 0.5)"
    )
    p.set_defaults(handler=cmd_explain)


def cmd_explain(args) -> int:
    from infinityvision_desktop.core.explain import ExplainError, GradCam, overlay
    from infinityvision_desktop.core.images import ImageLoadError, load_image
    from infinityvision_desktop.core.modelfile import ModelFileError

    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        error(f"{out.name}: write the picture as .png or .jpg")
        return 1
    if not 0.0 <= args.opacity <= 1.0:
        error(f"--opacity must be between 0 and 1, not {args.opacity}")
        return 1
    if not out.resolve().parent.is_dir():
        error(f"{out}: the folder {out.resolve().parent} does not exist")
        return 1
    try:
        picture = load_image(args.image)
        from infinityvision_desktop.core.predictor import Predictor

        predictor = Predictor.load(model_path(args.model))
        # the pixels the model sees, decoded as `classify` and the app decode them
        seen = load_image(args.image, draft_size=predictor.decode_size)
        prediction = predictor.predict([seen])[0]
        cam = GradCam.for_predictor(predictor)
        class_index = cam.class_index(args.class_name) if args.class_name else None
        explanation = cam.explain(seen, class_index, answer=prediction.index)
    except (ImageLoadError, ModelFileError, ExplainError) as exc:
        error(str(exc))
        return 1
    picture = _fit_within(picture, EXPLAIN_MAX_SIDE)
    try:
        _save_picture(overlay(picture, explanation.heatmap, opacity=args.opacity), out)
    except OSError as exc:
        error(f"{out}: cannot be written ({exc.strerror or exc})")
        return 1
    answer = f"{prediction.label} {_percent(prediction.confidence)}" + (" (not sure)" if prediction.not_sure else "")
    if explanation.is_top:
        what = f"heatmap for {explanation.label}, the answer"
    else:
        what = f"heatmap for {explanation.label} ({_percent(prediction.probabilities[explanation.class_index])})"
    if explanation.empty:
        what += ": nothing in the image speaks for it"
    print(f"{args.image}: {answer}; {what}; written to {out}")
    return 0


def _percent(probability: float) -> str:
    """'97%' as the app shows it: never '100%' below certainty, '<1%' rather than a '0%' that is not zero."""
    value = round(probability * 100)
    if value >= 100 and probability < 1.0:
        value = 99
    return "<1%" if value == 0 and probability > 0 else f"{value}%"


def _fit_within(rgb, side: int):
    from infinityvision_desktop.core.images import thumbnail

    return thumbnail(rgb, side)


def _save_picture(rgb, out: Path) -> None:
    """Written beside the target, then renamed over it: an interrupted run leaves no half picture."""
    from PIL import Image

    with atomic.atomic_path(out) as temp:
        Image.fromarray(rgb).save(temp, format="PNG" if out.suffix.lower() == ".png" else "JPEG", quality=92)
