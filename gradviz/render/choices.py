"""The figure choices commands offer, in a module light enough for ``gradviz --help``: output
formats, renderers, which frames, themes, orientations."""

__all__ = ["FORMATS", "RENDERERS", "FRAME_CHOICES", "THEME_NAMES", "RANKDIRS"]

FORMATS = ("svg", "png", "pdf", "dot")
RENDERERS = ("auto", "pygraphviz", "dot")
FRAME_CHOICES = ("all", "final")
THEME_NAMES = ("light", "dark", "print")
RANKDIRS = ("LR", "TB", "RL", "BT")
