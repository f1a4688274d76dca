"""The XOR network and gradient descent: the lecture's hand-set network, then a 2-2-1 network
trained on the four XOR points.

Run it as a script or open ``03_xor_descent.ipynb``, made from it.
"""
try:
    from IPython.display import display
except ImportError:  # plain Python without IPython: print the text views
    display = print

# %% [markdown]
# # XOR and gradient descent
#
# The lecture solves XOR with two hidden units and step activations:
# v₁ = g(−0.5 + x₁ − x₂), v₂ = g(−0.5 − x₁ + x₂), y = g(−0.5 + v₁ + v₂).

# %%
from gradviz.nn import XOR_DATA, mlp, xor_network

lecture = xor_network()
display(lecture.graph)
for (a, b), target in XOR_DATA:
    out = lecture.graph.backward({**lecture.values, "x1": a, "x2": b}, symbolic=False).value
    print(f"x = ({a:g}, {b:g})  network {out:g}  XOR {target:g}")

# %% [markdown]
# Step functions have zero gradient almost everywhere, so gradient descent cannot learn them.
# With tanh hidden units, a sigmoid output and the binary cross-entropy averaged over the four
# points it can:

# %%
from IPython.display import Image

from gradviz.networks.descent import descend
from gradviz.networks.plots import loss_curve

net = mlp([2, 2, 1], "tanh", "bce", data=XOR_DATA, seed=1)
run = descend(net.graph, net.values, net.parameters, lr=0.5, steps=400)
print(f"loss {run.history[0].loss:.3f} → {run.final_loss:.3f}")
display(Image(loss_curve(run)))

# %% [markdown]
# ## One backward pass, step by step
#
# The same network on one data point, x = (0, 1) with label 1, at the trained weights, with
# numbers only (`symbolic=False`) and drawn top to bottom, which suits a deep graph:

# %%
import gradviz

one = mlp([2, 2, 1], "tanh", "bce", data=[XOR_DATA[1]])
result = one.graph.backward({name: run.final[name] for name in one.parameters}, symbolic=False)
tall = gradviz.Style(rankdir="TB", font_size=16)
display(result.stepper(style=tall, start=-1))

# %%
display(result.show(step=0, style=tall))
