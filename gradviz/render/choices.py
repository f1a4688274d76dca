"""The figure choices commands offer, in a module light enough for ``gradviz --help``: output
formats, renderers, which frames, themes, orientations, slide shapes and looks."""

__all__ = ["FORMATS", "RENDERERS", "FRAME_CHOICES", "THEME_NAMES", "RANKDIRS", "ASPECTS", "LOOKS", "BASE_FONT_SIZE",
           "MODES"]

FORMATS = ("svg", "png", "pdf", "dot")
RENDERERS = ("auto", "pygraphviz", "dot")
FRAME_CHOICES = ("all", "final")
MODES = ("reverse", "forward")  # backward steps from the output, or tangents pushed from one input (--wrt)
THEME_NAMES = ("light", "dark", "print")
BASE_FONT_SIZE = 14  # points: the renderer's normal text size; other sizes scale with it
RANKDIRS = ("auto", "LR", "TB", "RL", "BT")  # auto: the orientation that fits the aspect best
ASPECTS = {"16:9": (1920, 1080), "4:3": (1440, 1080), "none": None}  # the slide a figure is fitted into
# boxes: equation, value, gradient per node and local derivatives on the edges (the lectures' look);
# gates: operator and name, value, gradient, bare edges; paired: gates with value │ gradient in one row
LOOKS = ("auto", "boxes", "gates", "paired")
