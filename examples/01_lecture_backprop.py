"""The lecture's backpropagation example, step by step: L = (θ1θ2x − y)².

Run it as a script (prints the frames' text and the derivation) or open the notebook made
from it, ``01_lecture_backprop.ipynb``, where the same cells show pictures and typeset math.
"""
try:
    from IPython.display import display
except ImportError:  # plain Python without IPython: print the text views
    display = print

# %% [markdown]
# # Backpropagation, step by step
#
# The lecture's model has two parameters θ₁, θ₂ and predicts θ₁θ₂x; with one data point
# (x, y) its loss is L = (θ₁θ₂x − y)². gradviz turns the formula, typed as on the slide,
# into the computational graph a = θ₁θ₂, b = ax, c = b − y, L = c².

# %%
import gradviz

graph = gradviz.parse("(θ1θ2x − y)²")
display(graph)

# %% [markdown]
# ## Forward and backward at a point
#
# At θ₁ = 2, θ₂ = −1, x = 3, y = 1 the loss is 49. The result shows every gradient.

# %%
result = graph.backward({"θ1": 2, "θ2": -1, "x": 3, "y": 1})
print(result.value, result.grad)
display(result)

# %% [markdown]
# ## One step at a time
#
# `result.show(step=k)` is backward step k (0 is the output's own step). The active node and
# its edges are drawn thick: upstream gradient × local derivative = what reaches each operand.

# %%
display(result.show(step=2))

# %% [markdown]
# The stepper turns through every frame — structure, forward pass, each backward step, the
# gradients — like slides; every frame has the same layout, so nothing moves.

# %%
stepper = result.stepper()
display(stepper)

# %% [markdown]
# ## The derivation as the lecture writes it

# %%
display(result.derivation())

# %% [markdown]
# ## The same graph from Python
#
# `param` marks the parameters, `var` the data; operators build the graph node by node.

# %%
θ1, θ2 = gradviz.param("θ1", 2), gradviz.param("θ2", -1)
x, y = gradviz.var("x", 3), gradviz.var("y", 1)
L = (θ1 * θ2 * x - y) ** 2
assert L.graph() == graph
print(L.network().parameters, L.backward().grad)
display(L.backward().show(step=-1, style=gradviz.Style(theme="dark", rankdir="TB")))
