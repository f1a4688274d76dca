"""A perceptron with binary cross-entropy: p = σ(w₀ + w₁x₁ + w₂x₂), L = −y log p − (1 − y) log(1 − p).

Run it as a script or open ``02_perceptron_bce.ipynb``, made from it.
"""
try:
    from IPython.display import display
except ImportError:  # plain Python without IPython: print the text views
    display = print

# %% [markdown]
# # The perceptron and binary cross-entropy
#
# A neuron p = σ(w₀ + w₁x₁ + w₂x₂) judged by the binary cross-entropy against the label y.
# Here it is built from Python: the weights are parameters, the data point is given as values.

# %%
import gradviz
from gradviz import log, param, sigmoid, var

w0, w1, w2 = param("w0", 0.5), param("w1", -1.0), param("w2", 2.0)
x1, x2, y = var("x1", 1.0), var("x2", 0.5), var("y", 1.0)
z = (w0 + w1 * x1 + w2 * x2).named("z")
p = sigmoid(z).named("p")
L = -y * log(p) - (1 - y) * log(1 - p)
display(L)

# %% [markdown]
# p is used twice, so it is one node with two consumers: in the backward pass its gradient
# is the sum of two contributions, shown as a running sum.

# %%
result = L.backward()
print(result.value, result.grad)
tall = gradviz.Style(rankdir="TB")  # a deep graph reads better top to bottom
display(result.show(style=tall))

# %% [markdown]
# The chain rule through σ gives the famous ∂L/∂z = p − y:

# %%
node = result.graph.node
print(result.adjoints[node("z").id], result.values[node("p").id] - 1.0)

# %%
display(result.derivation())

# %% [markdown]
# ## The same network from the lecture builders
#
# `gradviz.nn.perceptron` builds the same neuron and loss; tracing a Python function works too.

# %%
from gradviz.nn import perceptron

net = perceptron(2, "sigmoid", "bce")
at = {"w0": 0.5, "w1": -1.0, "w2": 2.0, "x1": 1.0, "x2": 0.5, "y": 1.0}
print(net.parameters, net.graph.backward(at).grad)

traced = gradviz.trace(lambda w, x, y: -y * log(sigmoid(w * x)) - (1 - y) * log(1 - sigmoid(w * x)),
                       params=["w"], at={"w": 0.3, "x": 2.0, "y": 0.0})
display(traced.backward().stepper(style=tall))
