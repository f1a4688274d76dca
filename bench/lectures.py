"""Lecture graphs as course notes write them, one of each kind, for ``python bench/figures.py --lectures``: the
figure report on graphs that neither the ladder (``tests/ladder.py``) nor the generated families
(``tests/families.py``) hold — gated cells (LSTM, GRU), normalisation, losses of several kinds (hinge, focal,
contrastive, triplet, VAE), attention, convolution and pooling, regression with penalties, optimiser steps.
Each is written as pasted from the notes (Unicode or LaTeX-ish, several lines); the values are the families'
seeded ones (``families.make``)."""

from __future__ import annotations

__all__ = ["LECTURES"]

LECTURES: dict[str, str] = {
    "LSTM cell, one input": (
        "f = σ(a x + b h + c); i = σ(d x + e h + g); o = σ(k x + m h + n); u = tanh(p x + q h + r)\n"
        "C = f C0 + i u; H = o tanh(C); L = (H − y)²"
    ),
    "GRU cell": (
        "z = σ(a x + b h + c); r = σ(d x + e h + g); u = tanh(k x + m (r h) + n)\n"
        "H = (1 − z) h + z u; L = (H − y)²"
    ),
    "2-2-1 sigmoid net + BCE": (
        "h1 = σ(w11 x1 + w12 x2 + b1); h2 = σ(w21 x1 + w22 x2 + b2)\n"
        "p = σ(v1 h1 + v2 h2 + c); L = −y log(p) − (1 − y) log(1 − p)"
    ),
    "logistic regression, 4 features + L2": (
        "z = w1 x1 + w2 x2 + w3 x3 + w4 x4 + b; p = σ(z)\n"
        "L = −y log(p) − (1 − y) log(1 − p) + λ(w1² + w2² + w3² + w4²)/2"
    ),
    "layer norm over 3 values": (
        "μ = (x1 + x2 + x3)/3; σ2 = ((x1 − μ)² + (x2 − μ)² + (x3 − μ)²)/3\n"
        "y1 = γ (x1 − μ)/√(σ2 + ε) + b; y2 = γ (x2 − μ)/√(σ2 + ε) + b; y3 = γ (x3 − μ)/√(σ2 + ε) + b\n"
        "L = y1 t1 + y2 t2 + y3 t3"
    ),
    "log-sum-exp cross-entropy, 3×2": (
        "z1 = w11 x1 + w12 x2 + b1; z2 = w21 x1 + w22 x2 + b2; z3 = w31 x1 + w32 x2 + b3\n"
        "L = log(exp(z1) + exp(z2) + exp(z3)) − z2"
    ),
    "two residual blocks": (
        "h = relu(w1 x + b1); r = x + w2 h + b2; g = relu(w3 r + b3); s = r + w4 g + b4; L = (s − y)²"
    ),
    "quartic regression, 2 points": (
        "p1 = a + b x1 + c x1² + d x1³ + e x1⁴; p2 = a + b x2 + c x2² + d x2³ + e x2⁴\n"
        "L = ((p1 − y1)² + (p2 − y2)²)/2"
    ),
    "hinge loss + L2": (
        "L = max(0, 1 − y (w1 x1 + w2 x2 + w3 x3 + b)) + λ (w1² + w2² + w3²)"
    ),
    "VAE loss, 2 latents": (
        "K = −(1 + log(s1²) − m1² − s1²)/2 − (1 + log(s2²) − m2² − s2²)/2\n"
        "R = (x1 − (m1 + s1 e1))² + (x2 − (m2 + s2 e2))²; L = R + K"
    ),
    "3-step RNN, loss at every step": (
        "h1 = tanh(w h0 + u x1); h2 = tanh(w h1 + u x2); h3 = tanh(w h2 + u x3)\n"
        "L = (y1 − v h1)² + (y2 − v h2)² + (y3 − v h3)²"
    ),
    "scaled dot-product attention, 3 keys": (
        "s1 = (q1 k11 + q2 k12)/√2; s2 = (q1 k21 + q2 k22)/√2; s3 = (q1 k31 + q2 k32)/√2\n"
        "Z = exp(s1) + exp(s2) + exp(s3); o = (exp(s1) v1 + exp(s2) v2 + exp(s3) v3)/Z; L = (o − y)²"
    ),
    "label smoothing, 3 classes": (
        "Z = exp(z1) + exp(z2) + exp(z3); p1 = exp(z1)/Z; p2 = exp(z2)/Z; p3 = exp(z3)/Z\n"
        "L = −(1 − ε) log(p1) − ε/3 (log(p1) + log(p2) + log(p3))"
    ),
    "focal loss": (
        "p = σ(w1 x1 + w2 x2 + b); L = −α (1 − p)^γ y log(p) − (1 − α) p^γ (1 − y) log(1 − p)"
    ),
    "2-2-1 MLP, superscript layers": (
        "a^{(1)}_1 = σ(w^{(1)}_{11} x_1 + w^{(1)}_{12} x_2 + b^{(1)}_1)\n"
        "a^{(1)}_2 = σ(w^{(1)}_{21} x_1 + w^{(1)}_{22} x_2 + b^{(1)}_2)\n"
        "a^{(2)} = σ(w^{(2)}_1 a^{(1)}_1 + w^{(2)}_2 a^{(1)}_2 + b^{(2)})\n"
        "L = (a^{(2)} − y)^2"
    ),
    "mixture of 2 experts": (
        "g1 = exp(u1)/(exp(u1) + exp(u2)); g2 = exp(u2)/(exp(u1) + exp(u2))\n"
        "y = g1 (a1 x + b1) + g2 (a2 x + b2); L = (y − t)²"
    ),
    "linear regression, 3 points + L2": (
        "L = ((w x1 + b − y1)² + (w x2 + b − y2)² + (w x3 + b − y3)²)/3 + λ w²"
    ),
    "swish units": (
        "h1 = (w1 x) σ(w1 x); h2 = (w2 x) σ(w2 x); y = v1 h1 + v2 h2; L = (y − t)²"
    ),
    "contrastive loss": (
        "d = √((a1 − b1)² + (a2 − b2)²); L = y d² + (1 − y) max(0, m − d)²"
    ),
    "triplet loss": (
        "dp = (a1 − p1)² + (a2 − p2)²; dn = (a1 − n1)² + (a2 − n2)²; L = max(0, dp − dn + m)"
    ),
    "LSTM cell, two inputs (e the constant)": (
        "f = σ(a1 x1 + a2 x2 + b h + c); i = σ(d1 x1 + d2 x2 + e h + g); o = σ(k1 x1 + k2 x2 + m h + n)\n"
        "u = tanh(p1 x1 + p2 x2 + q h + r); C = f C0 + i u; H = o tanh(C); L = (H − y)²"
    ),
    "3-step RNN, 2 inputs": (
        "h1 = tanh(w h0 + u1 x11 + u2 x12 + b); h2 = tanh(w h1 + u1 x21 + u2 x22 + b); "
        "h3 = tanh(w h2 + u1 x31 + u2 x32 + b)\n"
        "L = (v h3 + c − y)²"
    ),
    "softmax CE, 3 classes, one-hot": (
        "z1 = w11 x1 + w12 x2 + b1; z2 = w21 x1 + w22 x2 + b2; z3 = w31 x1 + w32 x2 + b3\n"
        "S = exp(z1) + exp(z2) + exp(z3); p1 = exp(z1)/S; p2 = exp(z2)/S; p3 = exp(z3)/S\n"
        "L = −(t1 log(p1) + t2 log(p2) + t3 log(p3))"
    ),
    "3-2-1 sigmoid net + BCE": (
        "h1 = σ(w11 x1 + w12 x2 + w13 x3 + b1); h2 = σ(w21 x1 + w22 x2 + w23 x3 + b2)\n"
        "p = σ(v1 h1 + v2 h2 + c); L = −y log(p) − (1 − y) log(1 − p)"
    ),
    "2-step RNN, sequence loss + L2": (
        "h1 = tanh(w h0 + u x1 + b); h2 = tanh(w h1 + u x2 + b)\n"
        "L = (v h1 − y1)² + (v h2 − y2)² + λ (w² + u² + v²)"
    ),
    "1-D convolution + max pool": (
        "c1 = w1 x1 + w2 x2 + w3 x3 + b; c2 = w1 x2 + w2 x3 + w3 x4 + b; c3 = w1 x3 + w2 x4 + w3 x5 + b\n"
        "m = max(relu(c1), relu(c2), relu(c3)); L = (m − y)²"
    ),
    "skip-gram, 2 negatives": (
        "L = −log(σ(u1 v1 + u2 v2)) − log(σ(−(n1 v1 + n2 v2))) − log(σ(−(k1 v1 + k2 v2)))"
    ),
    "GAN discriminator loss": (
        "D1 = σ(a r + b); D2 = σ(a (w z + c) + b); L = −log(D1) − log(1 − D2)"
    ),
    "Gaussian NLL, 3 points": (
        "L = 3 log(s) + ((x1 − m)² + (x2 − m)² + (x3 − m)²)/(2 s²)"
    ),
    "linear regression, 2 features, 3 points": (
        "L = ((w1 a1 + w2 b1 + c − y1)² + (w1 a2 + w2 b2 + c − y2)² + (w1 a3 + w2 b3 + c − y3)²)/3"
    ),
    "elastic net": (
        "L = (w1 x1 + w2 x2 + w3 x3 − y)² + α (|w1| + |w2| + |w3|) + β (w1² + w2² + w3²)"
    ),
    "softmax with temperature": (
        "Z = exp(z1/T) + exp(z2/T) + exp(z3/T); L = −log(exp(z2/T)/Z) + log(T)"
    ),
    "2-2-2 tanh net + CE": (
        "h1 = tanh(a11 x1 + a12 x2); h2 = tanh(a21 x1 + a22 x2)\n"
        "o1 = b11 h1 + b12 h2; o2 = b21 h1 + b22 h2\n"
        "L = log(exp(o1) + exp(o2)) − o1"
    ),
    "one Adam-like step": (
        "m = β1 m0 + (1 − β1) g; v = β2 v0 + (1 − β2) g²; w = w0 − η (m/(1 − β1)) / (√(v/(1 − β2)) + ε); "
        "L = (w x − y)²"
    ),
    "highway unit": (
        "t = σ(a x + b); h = tanh(c x + d); y = t h + (1 − t) x; L = (y − z)²"
    ),
    "BCE on logits, 3 points": (
        "L = (log(1 + exp(−y1 (w x1 + b))) + log(1 + exp(−y2 (w x2 + b))) + log(1 + exp(−y3 (w x3 + b))))/3"
    ),
    "dropout masks": (
        "h1 = m1 relu(w1 x + b1)/q; h2 = m2 relu(w2 x + b2)/q; h3 = m3 relu(w3 x + b3)/q\n"
        "L = (v1 h1 + v2 h2 + v3 h3 − y)²"
    ),
    "2-3-1 ReLU net + logistic loss": (
        "a1 = relu(w11 x1 + w12 x2 + b1); a2 = relu(w21 x1 + w22 x2 + b2); a3 = relu(w31 x1 + w32 x2 + b3)\n"
        "z = v1 a1 + v2 a2 + v3 a3 + c; L = log(1 + exp(−y z))"
    ),
    "cosine similarity loss": (
        "c = (a1 b1 + a2 b2 + a3 b3)/(√(a1² + a2² + a3²) √(b1² + b2² + b3²)); L = (1 − c)²"
    ),
    "GRU cell, two inputs": (
        "z = σ(a1 x1 + a2 x2 + b h + c); r = σ(d1 x1 + d2 x2 + f h + g)\n"
        "u = tanh(k1 x1 + k2 x2 + m (r h) + n); H = (1 − z) h + z u; L = (H − y)²"
    ),
    "LSTM cell, W_f names": (
        "f = σ(W_f x + U_f h + b_f); i = σ(W_i x + U_i h + b_i); o = σ(W_o x + U_o h + b_o)\n"
        "g = tanh(W_g x + U_g h + b_g); c = f c_0 + i g; h_1 = o tanh(c); L = (h_1 − y)^2"
    ),
    "4-step RNN, 2 inputs": (
        "h1 = tanh(w h0 + u1 x11 + u2 x12 + b); h2 = tanh(w h1 + u1 x21 + u2 x22 + b); "
        "h3 = tanh(w h2 + u1 x31 + u2 x32 + b); h4 = tanh(w h3 + u1 x41 + u2 x42 + b)\n"
        "L = (v h4 + c − y)²"
    ),
    "3-3-1 sigmoid net + BCE": (
        "h1 = σ(w11 x1 + w12 x2 + w13 x3 + b1); h2 = σ(w21 x1 + w22 x2 + w23 x3 + b2); "
        "h3 = σ(w31 x1 + w32 x2 + w33 x3 + b3)\n"
        "p = σ(v1 h1 + v2 h2 + v3 h3 + c); L = −y log(p) − (1 − y) log(1 − p)"
    ),
    "softmax CE over 3×3": (
        "z1 = w11 x1 + w12 x2 + w13 x3; z2 = w21 x1 + w22 x2 + w23 x3; z3 = w31 x1 + w32 x2 + w33 x3\n"
        "L = log(exp(z1) + exp(z2) + exp(z3)) − z1"
    ),
    "batch norm, 3 values (a, b, c)": (
        "m = (a + b + c)/3; v = ((a − m)² + (b − m)² + (c − m)²)/3; s = √(v + ε)\n"
        "L = (γ (a − m)/s + β − t1)² + (γ (b − m)/s + β − t2)² + (γ (c − m)/s + β − t3)²"
    ),
    "attention, 3 keys of 2 dims": (
        "s1 = q1 k11 + q2 k12; s2 = q1 k21 + q2 k22; s3 = q1 k31 + q2 k32\n"
        "Z = exp(s1) + exp(s2) + exp(s3); o = (exp(s1) v1 + exp(s2) v2 + exp(s3) v3)/Z; L = (o − y)²"
    ),
    "2-2-2 tanh net + MSE": (
        "h1 = tanh(a11 x1 + a12 x2 + c1); h2 = tanh(a21 x1 + a22 x2 + c2)\n"
        "y1 = b11 h1 + b12 h2; y2 = b21 h1 + b22 h2; L = ((y1 − t1)² + (y2 − t2)²)/2"
    ),
    "logistic regression, 2 points": (
        "p1 = σ(w1 a1 + w2 b1 + c); p2 = σ(w1 a2 + w2 b2 + c)\n"
        "L = −(y1 log(p1) + (1 − y1) log(1 − p1) + y2 log(p2) + (1 − y2) log(1 − p2))/2"
    ),
    "RBF net, 3 centres": (
        "g1 = exp(−(x − c1)²/(2 s²)); g2 = exp(−(x − c2)²/(2 s²)); g3 = exp(−(x − c3)²/(2 s²))\n"
        "y = w1 g1 + w2 g2 + w3 g3; L = (y − t)²"
    ),
    "maxout unit": (
        "m = max(w1 x + b1, w2 x + b2, w3 x + b3); p = σ(v m + c); L = −log(p)"
    ),
    "wide & deep": (
        "d = relu(a1 x1 + a2 x2 + a3 x3); z = w1 x1 + w2 x2 + w3 x3 + v d + b; L = log(1 + exp(−y z))"
    ),
    "two SGD steps, then the loss": (
        "w1 = w0 − 2 η (w0 x1 − y1) x1; w2 = w1 − 2 η (w1 x2 − y2) x2; L = (w2 x3 − y3)²"
    ),
    "softplus units": (
        "h1 = log(1 + exp(u1 x + c1)); h2 = log(1 + exp(u2 x + c2)); h3 = log(1 + exp(u3 x + c3))\n"
        "y = v1 h1 + v2 h2 + v3 h3; L = (y − t)²"
    ),
    # the second set, written 2026-12-07 from other course notes (Mazur's worked example with ½, Huber, KL, …)
    "Mazur 2-2-2 net": (
        "net_h1 = w1 i1 + w2 i2 + b1; net_h2 = w3 i1 + w4 i2 + b1; out_h1 = σ(net_h1); out_h2 = σ(net_h2)\n"
        "net_o1 = w5 out_h1 + w6 out_h2 + b2; net_o2 = w7 out_h1 + w8 out_h2 + b2\n"
        "E = ½(t1 − σ(net_o1))² + ½(t2 − σ(net_o2))²"
    ),
    "Huber, 3 points": (
        "r1 = w x1 + b − y1; r2 = w x2 + b − y2; r3 = w x3 + b − y3\n"
        "L = (min(|r1|, 1)² /2 + max(|r1| − 1, 0)) + (min(|r2|, 1)²/2 "
        "+ max(|r2| − 1, 0)) + (min(|r3|, 1)²/2 + max(|r3| − 1, 0))"
    ),
    "cubic regression, 3 points": (
        "L = (a + b x1 + c x1² + d x1³ − y1)² + (a + b x2 + c x2² + d x2³ − y2)² + (a + b x3 + c x3² + d x3³ − y3)²"
    ),
    "leaky ReLU 2-2-1": (
        "h1 = max(0.01 (w11 x1 + w12 x2 + b1), w11 x1 + w12 x2 + b1);"
        " h2 = max(0.01 (w21 x1 + w22 x2 + b2), w21 x1 + w22 x2 + b2)\n"
        "ŷ = v1 h1 + v2 h2 + c; L = (ŷ − y)²"
    ),
    "momentum, two steps": (
        "g1 = 2 (w0 x − y) x; v1 = β v0 + g1; w1 = w0 − η v1\n"
        "g2 = 2 (w1 x − y) x; v2 = β v1 + g2; w2 = w1 − η v2; L = (w2 x − y)²"
    ),
    "logistic regression, 2 features, 3 points": (
        "p1 = σ(w1 a1 + w2 b1 + c); p2 = σ(w1 a2 + w2 b2 + c); p3 = σ(w1 a3 + w2 b3 + c)\n"
        "L = −(y1 log(p1) + (1 − y1) log(1 − p1) + y2 log(p2) "
        "+ (1 − y2) log(1 − p2) + y3 log(p3) + (1 − y3) log(1 − p3))/3"
    ),
    "attention, 4 scalar keys": (
        "e1 = exp(q k1); e2 = exp(q k2); e3 = exp(q k3); e4 = exp(q k4)\n"
        "o = (e1 v1 + e2 v2 + e3 v3 + e4 v4)/(e1 + e2 + e3 + e4); L = (o − y)²"
    ),
    "mixture of 2 Gaussians NLL": (
        "L = −log(π1 exp(−(x − m1)²/(2 s1²))/s1 + π2 exp(−(x − m2)²/(2 s2²))/s2)"
    ),
    "KL of two softmaxes, 3 classes": (
        "P = exp(a1) + exp(a2) + exp(a3); Q = exp(b1) + exp(b2) + exp(b3)\n"
        "L = exp(a1)/P (a1 − log(P) − b1 + log(Q)) + exp(a2)/P (a2 − log(P) − b2 "
        "+ log(Q)) + exp(a3)/P (a3 − log(P) − b3 + log(Q))"
    ),
    "peephole-free LSTM, forget and input gates": (
        "f = σ(w_f x + u_f h + b_f); i = σ(w_i x + u_i h + b_i); g = tanh(w_g x + u_g h + b_g)\n"
        "c = f c0 + i g; L = (tanh(c) − y)²"
    ),
    "InfoNCE, 3 negatives": (
        "L = −log(exp(q k0/τ)/(exp(q k0/τ) + exp(q k1/τ) + exp(q k2/τ) + exp(q k3/τ)))"
    ),
    "tied autoencoder 2-1-2": (
        "h = σ(w1 x1 + w2 x2 + b); r1 = w1 h + c1; r2 = w2 h + c2; L = (r1 − x1)² + (r2 − x2)²"
    ),
    "Poisson regression, 3 points": (
        "L = exp(w x1 + b) − y1 (w x1 + b) + exp(w x2 + b) − y2 (w x2 + b) + exp(w x3 + b) − y3 (w x3 + b)"
    ),
    "2-step RNN, two hidden units": (
        "h1 = tanh(a h0 + b g0 + u x1); g1 = tanh(c h0 + d g0 + v x1)\n"
        "h2 = tanh(a h1 + b g1 + u x2); g2 = tanh(c h1 + d g1 + v x2); L = (p h2 + q g2 − y)²"
    ),
    "batch norm then linear, 2 values": (
        "μ = (x1 + x2)/2; v = ((x1 − μ)² + (x2 − μ)²)/2\n"
        "z1 = γ (x1 − μ)/√(v + ε) + β; z2 = γ (x2 − μ)/√(v + ε) + β; L = (w z1 − y1)² + (w z2 − y2)²"
    ),
    "softmax CE 3 classes, 3 features": (
        "z1 = w11 x1 + w12 x2 + w13 x3; z2 = w21 x1 + w22 x2 + w23 x3; z3 = w31 x1 + w32 x2 + w33 x3\n"
        "L = −log(exp(z2)/(exp(z1) + exp(z2) + exp(z3)))"
    ),
}
