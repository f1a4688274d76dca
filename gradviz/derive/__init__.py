"""Derivations of a backward pass: the lecture's lines, the report's lines, and the documents
(Markdown, LaTeX) that hold them. They read results from ``eval`` and write through ``text``."""
