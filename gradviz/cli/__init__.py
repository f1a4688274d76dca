"""The command line: one click group whose error path turns every ``GradvizError`` into a clean
``Error: …`` exit; commands only read options and call the layers below. Modules here import
only click at start-up, so ``gradviz --help`` stays fast."""

from .main import cli, main

__all__ = ["cli", "main"]
