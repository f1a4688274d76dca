"""Figures of a backward pass: style, scene (what to draw), frames (the sequence), layout (one
for all frames, positions pinned), backends (the only place that runs Graphviz), the
neuron view, and ``figure`` (frames rendered to bytes)."""
