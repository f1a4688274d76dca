"""Derivations of a backward pass: the lecture's forms of every adjoint (``forms``, sized before
they are simplified: ``cost``), the lines they make (``lecture``), the figures' captions and labels
(``captions``), and the documents (Markdown, LaTeX) that hold them. They read results from
``eval`` and write through ``text``."""
