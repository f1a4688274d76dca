"""The interpreters: forward values, the compiled float plan, the backward sweep and its Step
records, the symbolic views, and the paths to one input. They produce plain results."""
