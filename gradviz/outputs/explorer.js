/* The interactive explorer's engine: evaluates the exported graph (DATA) with the op table that
   gradviz generates from its op specs (gvOps, built over the helpers M below), and keeps the
   figure's labels, the side panel, the step and forward modes and the quiz up to date.
   Numbers follow the Python float forms of gradviz/ir/ops.py; messages follow the CLI's. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("gv-data").textContent);
  var MINUS = "\u2212";
  /* The page computes in floats: a sum this small beside its terms is cancellation noise, shown as
     the 0 a hand calculation (and gradviz's exact figures) give. */
  var NOISE = 8 * Number.EPSILON;

  function DomainError(message) { this.message = message; }

  /* The figures' number format (text/numbers.py format_value): the decimal a float prints as,
     rounded half up to the page's significant digits (at most 4 in scientific notation). */
  function zeros(n) { return new Array(n + 1).join("0"); }
  function rounded(a, p) {  /* a > 0: [up to p significant digits, the exponent of the first, whether exact] */
    var s = String(a), e = 0, k = s.indexOf("e");
    if (k >= 0) { e = parseInt(s.slice(k + 1), 10); s = s.slice(0, k); }
    var dot = s.indexOf("."), whole = dot >= 0 ? s.slice(0, dot) : s, all = whole + (dot >= 0 ? s.slice(dot + 1) : "");
    var d = all.replace(/^0+/, "");
    e += whole.length - 1 - (all.length - d.length);
    var exact = d.replace(/0+$/, "").length <= p;
    if (d.length > p) {
      var up = d.charAt(p) >= "5", cells = d.slice(0, p).split(""), i = p - 1;
      while (up && i >= 0 && cells[i] === "9") { cells[i] = "0"; i--; }
      if (up && i < 0) { cells.unshift("1"); cells.pop(); e += 1; } else if (up) { cells[i] = String(+cells[i] + 1); }
      d = cells.join("");
    }
    return [d, e, exact];
  }
  function placed(d, e) {
    if (e + 1 >= d.length && e >= 0) { return d + zeros(e + 1 - d.length); }
    var t = e < 0 ? "0." + zeros(-e - 1) + d : d.slice(0, e + 1) + "." + d.slice(e + 1);
    return t.replace(/0+$/, "").replace(/\.$/, "");
  }
  function fmt(f, digits) {
    digits = digits || DATA.digits || 3;
    if (f === 0) { return "0"; }
    if (!isFinite(f)) { return String(f).replace("-", MINUS); }
    var a = Math.abs(f), r = rounded(a, digits), scientific = r[1] < -4 || r[1] >= Math.max(digits, 4), text;
    var p = scientific ? Math.min(digits, 4) : digits, whole = rounded(a, p + 1);  /* one digit more: whole */
    r = whole[2] ? whole : rounded(a, p);
    text = scientific ? placed(r[0], 0) + "e" + r[1] : placed(r[0], r[1]);
    return (f < 0 ? MINUS : "") + text.replace(/-/g, MINUS);
  }
  function paren(f) { var t = fmt(f); return f < 0 ? "(" + t + ")" : t; }

  var SQRT_PI = Math.sqrt(Math.PI);
  var M = {
    show: function (x) { return String(x); },
    sign: function (x) { return (x > 0 ? 1 : 0) - (x < 0 ? 1 : 0); },
    step: function (x, atZero) { return x > 0 ? 1 : (x === 0 ? atZero : 0); },
    sigmoid: function (x) {
      if (x >= 0) { return 1 / (1 + Math.exp(-x)); }
      var z = Math.exp(x);
      return z / (1 + z);
    },
    softplus: function (x) { return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0); },
    pow: function (x, n) { return Math.pow(x, n); },
    powerDomain: function (base, exponent) {
      if (base === 0 && exponent < 0) { return "zero raised to a negative power"; }
      if (base < 0 && !Number.isInteger(exponent)) {
        return "negative base (" + M.show(base) + ") raised to a non-integer power (" + M.show(exponent) + ")";
      }
      return null;
    },
    exponentSlope: function (out, x) {
      if (x === 0) { return 0; }
      if (x < 0) { throw new DomainError("\u2202(x^y)/\u2202y needs a positive base x"); }
      return out * Math.log(x);
    },
    erf: function (x) {
      var ax = Math.abs(x), k;
      if (ax < 2) {  /* the Maclaurin series */
        var x2 = x * x, term = x, sum = x;
        for (k = 1; k < 100; k++) {
          term *= -x2 / k;
          var t = term / (2 * k + 1);
          sum += t;
          if (Math.abs(t) < 1e-17 * Math.abs(sum)) { break; }
        }
        return 2 / SQRT_PI * sum;
      }
      if (ax > 6) { return x > 0 ? 1 : -1; }
      var f = ax;  /* erfc's continued fraction, evaluated from its tail */
      for (k = 120; k >= 1; k--) { f = ax + (k / 2) / f; }
      var erfc = Math.exp(-ax * ax) / SQRT_PI / f;
      return x > 0 ? 1 - erfc : erfc - 1;
    },
    normalCdf: function (x) { return (1 + M.erf(x / Math.sqrt(2))) / 2; },
    gaussian: function (x) { return Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI); },
    halves: function (a) { var n = a.length / 2; return [a.slice(0, n), a.slice(n)]; },
    softmax: function (a, i) {
      var top = Math.max.apply(null, a), total = 0;
      var w = a.map(function (z) { var e = Math.exp(z - top); total += e; return e; });
      return w[i] / total;
    },
    logTotal: function (z) {
      var top = Math.max.apply(null, z), s = 0;
      z.forEach(function (v) { s += Math.exp(v - top); });
      return top + Math.log(s);
    },
    crossEntropy: function (a) {
      var h = M.halves(a), s = 0;
      h[0].forEach(function (q, i) { s += h[1][i] * Math.log(q); });
      return -s;
    },
    crossEntropyLocal: function (a) {
      var h = M.halves(a);
      return h[0].map(function (q, i) { return -h[1][i] / q; }).concat(h[0].map(function (q) { return -Math.log(q); }));
    },
    crossEntropyDomain: function (a) {
      var q = M.halves(a)[0].filter(function (v) { return !(v > 0); });
      return q.length ? "cross-entropy needs positive probabilities (got " + M.show(q[0]) + ")" : null;
    },
    softmaxCE: function (a) {
      var h = M.halves(a), lt = M.logTotal(h[0]), s = 0;
      h[0].forEach(function (z, i) { s += h[1][i] * (z - lt); });
      return -s;
    },
    softmaxCELocal: function (a) {
      var h = M.halves(a), lt = M.logTotal(h[0]), total = 0;
      h[1].forEach(function (y) { total += y; });
      return h[1].map(function (y, j) { return M.softmax(h[0], j) * total - y; })
        .concat(h[0].map(function (z) { return lt - z; }));
    }
  };
  var OPS = window.gvOps(M);

  var nodes = DATA.nodes, n = nodes.length, out = DATA.out;
  var consumers = nodes.map(function () { return []; });
  nodes.forEach(function (node, i) {
    (node.a || []).forEach(function (k, pos) { consumers[k].push([i, pos]); });
  });

  /* The node's error as the CLI words it (eval/forward.py node_error). */
  function nodeError(i, problem, args) {
    var node = nodes[i], shown = [];
    node.a.forEach(function (k, pos) {
      if (nodes[k].k !== "c") { shown.push(nodes[k].name + " = " + fmt(args[pos])); }
    });
    return problem + " at node " + node.eq + (shown.length ? " where " + shown.join(", ") : "");
  }

  /* Values, local derivatives and gradients of every node at the inputs ``x`` (by node index). */
  function compute(x) {
    var val = new Float64Array(n).fill(NaN), loc = new Array(n), adj = new Float64Array(n);
    var error = null, i, node, args;
    for (i = 0; i < n && !error; i++) {
      node = nodes[i];
      if (node.k === "i") { val[i] = x[i]; continue; }
      if (node.k === "c") { val[i] = node.c; continue; }
      args = node.a.map(function (k) { return val[k]; });
      var op = OPS[node.op], p = node.p, problem = op.e ? op.e(args, p) : null;
      if (!problem) {
        var v = op.v(args, p);
        if ((node.op === "add" || node.op === "sub") && Math.abs(v) <= NOISE * (Math.abs(args[0]) + Math.abs(args[1]))) {
          v = 0;  /* 0.5 − 0.6 + 0.1: what is left is the decimals' binary rounding */
        }
        if (!isFinite(v)) { problem = "the result overflows a float"; } else { val[i] = v; }
      }
      if (problem) { error = {node: i, message: nodeError(i, problem, args)}; }
    }
    if (!error) {
      for (i = 0; i < n && !error; i++) {
        node = nodes[i];
        if (node.k !== "o" || !node.dep) { continue; }
        args = node.a.map(function (k) { return val[k]; });
        try {
          loc[i] = OPS[node.op].d(args, node.p, val[i]);
          loc[i].forEach(function (d) {
            if (isNaN(d)) { throw new DomainError("its local derivative is outside the domain of a float here"); }
            if (!isFinite(d)) { throw new DomainError("its local derivative is infinite here"); }
          });
        } catch (exc) {
          if (!(exc instanceof DomainError)) { throw exc; }
          error = {node: i, message: nodeError(i, exc.message, args)};
        }
      }
    }
    if (!error) {
      var size = new Float64Array(n);  /* what each gradient is the sum of, in size */
      var settle = function (k) { if (Math.abs(adj[k]) <= NOISE * size[k]) { adj[k] = 0; } };
      adj[out] = 1;
      DATA.steps.forEach(function (s) {
        settle(s);
        nodes[s].a.forEach(function (k, pos) {
          var c = adj[s] * loc[s][pos];
          adj[k] += c;
          size[k] += Math.abs(c);
        });
      });
      nodes.forEach(function (node, k) { if (node.k === "i") { settle(k); } });
    }
    return {val: val, loc: loc, adj: adj, error: error};
  }

  /* Tangents d(node)/d(input w) pushed forward from input index ``w``. */
  function tangents(state, w) {
    var t = new Float64Array(n);
    t[w] = 1;
    nodes.forEach(function (node, i) {
      if (node.k === "o" && node.dep) {
        var s = 0;
        node.a.forEach(function (k, pos) { s += state.loc[i][pos] * t[k]; });
        t[i] = s;
      }
    });
    return t;
  }

  /* --- the page ------------------------------------------------------------------------ */
  var byId = function (id) { return document.getElementById(id); };
  var valueText = {}, gradText = {}, edgeText = {};
  nodes.forEach(function (node, i) {
    valueText[i] = byId("v-" + node.id);
    gradText[i] = byId("g-" + node.id);
  });
  DATA.edges.forEach(function (e) { edgeText[e.id] = byId("d-" + e.id); });
  var quiz = DATA.quiz, mode = quiz ? "quiz" : "explore", stepAt = 0, forwardFrom = DATA.inputs[0].i;
  var selected = null, state = null, solved = {}, tries = {};
  var expected = nodes.map(function (node, i) { return consumers[i].filter(function (c) { return nodes[c[0]].dep; }).length; });

  function x() {
    var v = new Float64Array(n);
    DATA.inputs.forEach(function (inp) { v[inp.i] = parseFloat(byId("in-" + inp.i).value); });
    return v;
  }

  function setText(el, text, hidden) {
    /* only what changed is written: an unchanged label costs the browser no new layout */
    if (!el) { return; }
    hidden = !!hidden;
    if (el.gvText !== text) { el.textContent = text; el.gvText = text; }
    if (el.gvHidden !== hidden) { el.style.visibility = hidden ? "hidden" : ""; el.gvHidden = hidden; }
  }

  function received(i, done) {
    /* the contributions node i has received from the steps in ``done`` (an index set) */
    var got = [];
    consumers[i].forEach(function (c) {
      if (done[c[0]]) { got.push(state.adj[c[0]] * state.loc[c[0]][c[1]]); }
    });
    return got;
  }

  function render() {
    var t0 = performance.now();
    state = compute(x());
    var err = state.error, ok = !err, done = {}, active = null, k;
    if (mode === "step") {
      for (k = 0; k < stepAt; k++) { done[DATA.steps[k]] = true; }
      active = stepAt > 0 ? DATA.steps[stepAt - 1] : null;
    } else {
      DATA.steps.forEach(function (s) { done[s] = true; });
    }
    var tangent = ok && mode === "forward" ? tangents(state, forwardFrom) : null;
    nodes.forEach(function (node, i) {
      var v = state.val[i], g = gradText[i];
      var blankValue = mode === "quiz" && quiz !== "grads" && !solved["v" + i] && node.k === "o" && node.dep;
      if (err && i === err.node) {
        setText(valueText[i], "\u26a0 " + err.message.split(" at node ")[0]);
      } else {
        setText(valueText[i], isNaN(v) ? "= ?" : "= " + (blankValue ? "?" : fmt(v)));
      }
      if (!g) { return; }
      g.classList.toggle("tangent", !!tangent);
      if (!ok) { setText(g, node.gp + " = ?"); return; }
      if (tangent) {
        setText(g, "\u2202" + node.label + "/\u2202" + nodes[forwardFrom].label + " = " + fmt(tangent[i]));
        return;
      }
      if (mode === "quiz") {
        var blank = quiz !== "values" && !solved["g" + i] && i !== out;
        setText(g, node.gp + " = " + (blank ? "?" : fmt(state.adj[i])));
        return;
      }
      if (i === out) { setText(g, node.gp + " = 1", mode === "step" && stepAt === 0); return; }
      var got = received(i, done);
      if (!got.length) { setText(g, node.gp + " = 0", true); return; }
      var total = got.reduce(function (s, c) { return s + c; }, 0);
      setText(g, node.gp + " = " + fmt(total) + (got.length < expected[i] ? " (so far)" : ""));
    });
    DATA.edges.forEach(function (e) {
      var el = edgeText[e.id];
      if (!el) { return; }
      var hidden = mode === "step" && !done[e.head];
      if (!ok || mode === "quiz") { setText(el, e.prefix, hidden); return; }
      setText(el, e.prefix + " = " + fmt(state.loc[e.head][e.pos]), hidden);
    });
    marked("active", active === null ? [] : [nodes[active].id].concat(nodes[active].a.map(function (k, pos) {
      return nodes[k].id + "-" + nodes[active].id + "-" + pos;
    })));
    marked("error", err ? [nodes[err.node].id] : []);
    marked("selected", selected === null ? [] : [nodes[selected].id]);
    byId("status").textContent = err ? "Error: " + err.message : "";
    caption();
    panel();
    if (mode === "quiz") { quizScore(); }
    window.gradvizExplorer.lastRecompute = performance.now() - t0;
  }

  var marks = {};
  function marked(cls, ids) {
    /* the figure elements ``ids`` (and no others) get the class ``cls`` */
    var key = ids.join(" ");
    if (marks[cls] === key) { return; }
    document.querySelectorAll("#figure ." + cls).forEach(function (el) { el.classList.remove(cls); });
    ids.forEach(function (id) { var el = byId(id); if (el) { el.classList.add(cls); } });
    marks[cls] = key;
  }

  /* --- captions of the modes ------------------------------------------------------------- */
  function stepLines(s) {
    var node = nodes[s], lines = [];
    node.a.forEach(function (k, pos) {
      if (!nodes[k].dep) { return; }
      var local = state.loc[s][pos], c = state.adj[s] * local, sign = expected[k] > 1 ? " += " : " = ";
      var head = "\u2202" + DATA.output + "/\u2202" + nodes[k].label + sign;
      if (s === out) { lines.push(head + fmt(c)); return; }
      lines.push(head + node.gp + " \u00b7 \u2202" + node.label + "/\u2202" + nodes[k].label + " = " +
                 fmt(state.adj[s]) + " \u00d7 " + paren(local) + " = " + fmt(c));
    });
    return lines;
  }

  function caption() {
    var box = byId("caption"), lines = [];
    if (state.error) { box.textContent = ""; box.gvText = ""; return; }
    if (mode === "step") {
      var total = DATA.steps.length;
      byId("counter").textContent = stepAt === 0 ? "Forward pass" : "Backward step " + stepAt + " of " + total;
      byId("prev").disabled = stepAt === 0;
      byId("next").disabled = stepAt === total;
      if (stepAt === 0) {
        lines.push("Forward pass: every node's value, inputs to " + DATA.output + ".");
      } else {
        var s = DATA.steps[stepAt - 1];
        lines.push("Backward step " + stepAt + " of " + total + ": " + nodes[s].show);
        lines = lines.concat(stepLines(s));
      }
    } else if (mode === "forward") {
      var w = forwardFrom, name = nodes[w].label, t = tangents(state, w);
      var inputs = DATA.inputs.length, ops = nodes.filter(function (nd) { return nd.k === "o" && nd.dep; }).length;
      lines.push("Forward mode: one sweep from " + name + " pushes the tangent \u2202\u00b7/\u2202" + name +
                 " through every node; it ends at \u2202" + DATA.output + "/\u2202" + name + " = " + fmt(t[out]) +
                 " (reverse mode: " + fmt(state.adj[w]) + ").");
      lines.push("Cost for this graph: reverse mode gets all " + inputs + " gradients \u2202" + DATA.output +
                 "/\u2202input from 1 backward sweep (" + ops + " operations); forward mode needs " + inputs +
                 " sweep" + (inputs === 1 ? "" : "s") + ", one per input (" + inputs * ops + " operations).");
    } else if (mode === "explore") {
      lines.push("Drag an input: every value, local derivative and gradient follows. Click a node for its chain rule.");
    }
    var key = lines.join("\n");
    if (box.gvText === key) { return; }
    box.gvText = key;
    box.innerHTML = "";
    lines.forEach(function (line, k) {
      var div = document.createElement("div");
      div.textContent = line;
      if (k === 0) { div.className = "lead"; }
      box.appendChild(div);
    });
  }

  /* --- the side panel: a node's chain rule with the current numbers ------------------------ */
  function onPath(i) {
    var keep = {}; keep[i] = true;
    for (var k = i + 1; k < n; k++) {
      if (nodes[k].a && nodes[k].a.some(function (o) { return keep[o]; })) { keep[k] = true; }
    }
    return keep;
  }

  function panel() {
    var box = byId("panel-body");
    if (selected === null || mode === "quiz") {
      marked("onpath", []);
      if (mode !== "quiz" && !box.querySelector(".placeholder")) {
        box.innerHTML = '<p class="hint placeholder">Click a node to see its chain rule.</p>';
      }
      return;
    }
    var i = selected, node = nodes[i], keep = onPath(i), path = [];
    nodes.forEach(function (nd, k) {
      if (!keep[k]) { return; }
      path.push(nd.id);
      if (k !== i) {
        nd.a.forEach(function (o, pos) { if (keep[o]) { path.push(nodes[o].id + "-" + nd.id + "-" + pos); } });
      }
    });
    marked("onpath", path);
    box.innerHTML = "";
    function line(text, cls) {
      var p = document.createElement("p");
      p.textContent = text;
      if (cls) { p.className = cls; }
      box.appendChild(p);
      return p;
    }
    line(node.k === "i" ? "Input " + node.label : node.k === "c" ? "Constant " + node.label : "Node " + node.show, "lead");
    if (state.error) { line("Error: " + state.error.message, "error"); return; }
    line((node.k === "o" ? node.label : node.label) + " = " + fmt(state.val[i]), "value");
    if (!node.dep) { line(node.label + " does not depend on the inputs: no gradient flows into it."); return; }
    if (i === out) { line(node.gp + " = 1 (the output itself)", "grad"); return; }
    var math = byId("m-" + node.id);
    if (math) {
      var fig = math.cloneNode(true);
      fig.removeAttribute("id");
      fig.hidden = false;
      box.appendChild(fig);
    }
    var uses = consumers[i].filter(function (c) { return nodes[c[0]].dep; });
    var terms = uses.map(function (c) {
      return fmt(state.adj[c[0]]) + " \u00d7 " + paren(state.loc[c[0]][c[1]]);
    });
    var p = line("= " + (uses.length > 1 ? terms.map(function (t) { return "(" + t + ")"; }).join(" + ") : terms[0]) +
                 " = " + fmt(state.adj[i]), "grad");
    p.id = "panel-grad";
    if (uses.length > 1) {
      line("Fan-out: " + node.label + " feeds " + uses.length + " nodes (" +
           uses.map(function (c) { return nodes[c[0]].label; }).join(", ") +
           "), so its gradient is the sum of what comes back along each edge.", "hint");
    }
    line("Highlighted: the paths from " + node.label + " to " + DATA.output + " that the chain rule follows.", "hint");
  }

  /* --- the quiz ------------------------------------------------------------------------ */
  function close(answer, truth) {
    if (!isFinite(answer)) { return false; }
    return Math.abs(answer - truth) <= 1e-3 * Math.abs(truth) || Math.abs(answer - truth) < 1e-12 ||
      fmt(answer) === fmt(truth);
  }

  function quizItems() {
    var items = [];
    if (quiz !== "grads") {
      nodes.forEach(function (node, i) { if (node.k === "o" && node.dep) { items.push({key: "v" + i, i: i}); } });
    }
    if (quiz !== "values") {
      DATA.steps.forEach(function (s) { items.push({key: "g" + s, i: s}); });
      nodes.forEach(function (node, i) { if (node.k === "i") { items.push({key: "g" + i, i: i}); } });
      items = items.filter(function (it) { return it.key !== "g" + out; });
    }
    return items;
  }

  function hint(item) {
    var i = item.i, node = nodes[i];
    if (item.key[0] === "v") {
      return "Hint: " + node.show + ", where " + node.a.map(function (k) {
        return nodes[k].label + " = " + fmt(state.val[k]);
      }).join(", ");
    }
    var uses = consumers[i].filter(function (c) { return nodes[c[0]].dep; });
    return "Hint: " + node.gp + " = " + uses.map(function (c) {
      var user = nodes[c[0]];
      return (c[0] === out ? "" : user.gp + " \u00b7 ") + "\u2202" + user.label + "/\u2202" + node.label;
    }).join(" + ") + ", where " + uses.map(function (c) {
      var user = nodes[c[0]];
      return (c[0] === out ? "" : user.gp + " = " + fmt(state.adj[c[0]]) + " and ") +
        "\u2202" + user.label + "/\u2202" + node.label + " = " + fmt(state.loc[c[0]][c[1]]);
    }).join("; ");
  }

  function buildQuiz() {
    var box = byId("panel-body");
    box.innerHTML = '<p class="lead">Quiz: fill in the ' + {values: "values", grads: "gradients",
      both: "values and gradients"}[quiz] + '.</p><p id="score"></p>';
    quizItems().forEach(function (item) {
      var node = nodes[item.i], row = document.createElement("div");
      row.className = "quiz-item";
      row.id = "q-" + item.key[0] + node.id;
      var label = item.key[0] === "v" ? node.label + " =" : node.gp + " =";
      row.innerHTML = '<label></label> <input type="text" inputmode="decimal" size="9"> ' +
        '<button type="button">Check</button> <span class="mark"></span><div class="hint"></div>';
      row.querySelector("label").textContent = label;
      var field = row.querySelector("input");
      function check() {
        var answer = parseFloat(field.value.replace(MINUS, "-"));
        var truth = item.key[0] === "v" ? state.val[item.i] : state.adj[item.i];
        var right = !state.error && close(answer, truth);
        tries[item.key] = (tries[item.key] || 0) + 1;
        row.classList.toggle("right", right);
        row.classList.toggle("wrong", !right);
        row.querySelector(".mark").textContent = right ? "\u2713 right" : "\u2717 not quite";
        row.querySelector(".hint").textContent = right ? "" : hint(item);
        if (right) { solved[item.key] = true; }
        render();
      }
      row.querySelector("button").addEventListener("click", check);
      field.addEventListener("keydown", function (e) { if (e.key === "Enter") { check(); } });
      box.appendChild(row);
    });
  }

  function quizScore() {
    var items = quizItems(), right = items.filter(function (it) { return solved[it.key]; }).length;
    var wrong = Object.keys(tries).reduce(function (s, k) { return s + tries[k]; }, 0) - right;
    var el = byId("score");
    if (el) { el.textContent = "Score: " + right + " / " + items.length + " right" + (wrong ? ", " + wrong + " wrong tries" : ""); }
  }

  /* --- controls ------------------------------------------------------------------------ */
  function setMode(m) {
    mode = m;
    document.querySelectorAll(".modes button").forEach(function (b) { b.classList.toggle("on", b.dataset.mode === m); });
    byId("stepbar").hidden = m !== "step";
    byId("forwardbar").hidden = m !== "forward";
    render();
  }
  document.querySelectorAll(".modes button").forEach(function (b) {
    b.addEventListener("click", function () { setMode(b.dataset.mode); });
  });
  function go(k) { stepAt = Math.max(0, Math.min(DATA.steps.length, k)); render(); }
  byId("prev").addEventListener("click", function () { go(stepAt - 1); });
  byId("next").addEventListener("click", function () { go(stepAt + 1); });
  document.addEventListener("keydown", function (e) {
    if (mode !== "step" || e.target.tagName === "INPUT") { return; }
    if (e.key === "ArrowRight" || e.key === "PageDown") { go(stepAt + 1); }
    else if (e.key === "ArrowLeft" || e.key === "PageUp") { go(stepAt - 1); }
    else if (e.key === "Home") { go(0); }
    else if (e.key === "End") { go(DATA.steps.length); }
    else { return; }
    e.preventDefault();
  });
  byId("wrt").addEventListener("change", function (e) { forwardFrom = parseInt(e.target.value, 10); render(); });

  DATA.inputs.forEach(function (inp) {
    var field = byId("in-" + inp.i), slider = byId("sl-" + inp.i), lo = byId("lo-" + inp.i), hi = byId("hi-" + inp.i);
    function range() {
      slider.min = lo.value; slider.max = hi.value;
      slider.step = Math.max((parseFloat(hi.value) - parseFloat(lo.value)) / 1000, 1e-9);
    }
    range();
    slider.addEventListener("input", function () { field.value = slider.value; render(); });
    field.addEventListener("input", function () {
      var v = parseFloat(field.value);
      if (!isFinite(v)) { return; }
      if (v < parseFloat(lo.value)) { lo.value = v; range(); }
      if (v > parseFloat(hi.value)) { hi.value = v; range(); }
      slider.value = v;
      render();
    });
    [lo, hi].forEach(function (el) { el.addEventListener("change", range); });
  });

  document.querySelectorAll("#figure g.node").forEach(function (g) {
    g.addEventListener("click", function () {
      selected = DATA.index[g.id];
      if (mode === "quiz") {
        var row = byId("q-v" + nodes[selected].id) || byId("q-g" + nodes[selected].id);
        if (row) { row.querySelector("input").focus(); }
      }
      render();
    });
  });

  window.gradvizExplorer = {
    compute: compute, tangents: tangents, render: render, format: fmt, setMode: setMode, go: go, M: M,
    state: function () { return state; }, lastRecompute: 0
  };
  if (quiz) { buildQuiz(); }
  setMode(mode);
})();
