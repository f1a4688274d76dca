/* The interactive explorer's engine. It evaluates the exported graph (DATA) with the op table gradviz
   generates from its op specs (window.gvOps, with their helpers), and fills the slots (⟦v3⟧: the value
   of node 3, …; see outputs/explorer.py) of every text gradviz wrote — the figure's, the captions', the
   panel's, the hints' and the error messages' — with the numbers it computes, formatted by the policy
   gradviz ships (DATA.format). It holds no wording and no math of its own. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("gv-data").textContent);
  var OPS = window.gvOps, M = window.gvM, P = DATA.format;
  /* The page computes in floats: a sum this small beside its terms is cancellation noise, shown as
     the 0 a hand calculation (and gradviz's figures: ir/numbers.py hand_sum) give. */
  var NOISE = P.cancelled * Number.EPSILON;
  function settled(total, a, b) { return Math.abs(total) <= NOISE * (Math.abs(a) + Math.abs(b)) ? 0 : total; }
  function sum(a, b) { return settled(a + b, a, b); }
  var SLOT = /\u27e6([a-zA-Z])([\d.]*)\u27e7\u2007*/g;

  /* A number under gradviz's policy (text/numbers.py number_policy), through the browser's
     toExponential: the float's shortest decimal (Python's repr) when it has at most one digit more
     than the policy's (so no tie is ever rounded), else its value to the policy's digits. Kept as
     text: rounding the largest floats up would pass float range. */
  function fmt(f, digits) {
    digits = digits || P.digits;
    if (f === 0) { return "0"; }
    if (!isFinite(f)) { return String(f).replace("-", P.minus); }
    var a = Math.abs(f), shortest = a.toExponential();
    var e = parseInt(a.toExponential(digits - 1).split("e")[1], 10);
    var scientific = e < P.below || e >= Math.max(digits, P.from);
    var p = scientific ? Math.min(digits, P.scientific) : digits;
    var text = shortest.split("e")[0].replace(".", "").length <= p + 1 ? shortest : a.toExponential(p - 1);
    text = scientific ? text.replace(/\.?0+e/, "e").replace("e+", "e") : String(Number(text));
    return (f < 0 ? P.minus : "") + text.replace(/-/g, P.minus);
  }
  function paren(f) { var t = fmt(f); return f < 0 ? "(" + t + ")" : t; }

  var nodes = DATA.nodes, n = nodes.length, out = DATA.out;
  var consumers = nodes.map(function () { return []; });
  nodes.forEach(function (node, i) {
    (node.a || []).forEach(function (k, pos) { consumers[k].push([i, pos]); });
  });

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
        if (node.op === "add" || node.op === "sub") { v = settled(v, args[0], args[1]); }  /* 0.5 − 0.6 + 0.1 */
        if (!isFinite(v)) { problem = DATA.words.overflow; } else { val[i] = v; }
      }
      if (problem) { error = {node: i, problem: problem}; }
    }
    for (i = 0; i < n && !error; i++) {
      node = nodes[i];
      if (node.k !== "o" || !node.dep) { continue; }
      args = node.a.map(function (k) { return val[k]; });
      try {
        loc[i] = OPS[node.op].d(args, node.p, val[i]);
        loc[i].forEach(function (d) {
          if (isNaN(d)) { throw new M.DomainError(DATA.words.outside); }
          if (!isFinite(d)) { throw new M.DomainError(DATA.words.infinite); }
        });
      } catch (exc) {
        if (!(exc instanceof M.DomainError)) { throw exc; }
        error = {node: i, problem: exc.message};
      }
    }
    if (error) {
      error.message = nodes[error.node].err.replace(SLOT, function (_, kind, key) {
        return kind === "p" ? error.problem : fmt(val[+key], P.message);
      });
    } else {
      adj[out] = 1;
      DATA.steps.forEach(function (s) {
        nodes[s].a.forEach(function (k, pos) { adj[k] = sum(adj[k], adj[s] * loc[s][pos]); });
      });
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

  /* --- the figure's texts: each row that holds a slot becomes one text of tspans, so numbers of any
     width flow; a node's rows stay centred as gradviz centred them ------------------------------- */
  var byId = function (id) { return document.getElementById(id); };
  var cells = [];  /* the figure's slots: {node: a Text node, kind, key} */

  /* ``el``'s content: ``template`` (text) with each slot a Text node of its own; the slots. */
  function bindText(el, template) {
    var slots = [], last = 0;
    template.replace(SLOT, function (m, kind, key, at) {
      el.appendChild(document.createTextNode(template.slice(last, at)));
      var node = document.createTextNode("");
      el.appendChild(node);
      slots.push({node: node, kind: kind, key: key});
      last = at + m.length;
      return m;
    });
    el.appendChild(document.createTextNode(template.slice(last)));
    return slots;
  }

  /* ``el``'s content: ``template`` (markup) with each slot an empty span; the slots. */
  function bindMarkup(el, template) {
    el.innerHTML = template.replace(SLOT, function (m, kind, key) {
      return '<span class="slot" data-kind="' + kind + '" data-key="' + key + '"></span>';
    });
    return Array.prototype.map.call(el.querySelectorAll("span.slot"), function (span) {
      var node = document.createTextNode("");
      span.appendChild(node);
      return {node: node, kind: span.dataset.kind, key: span.dataset.key};
    });
  }

  function update(slots, marking) {
    /* only what changed is written: an unchanged label costs the browser no new layout; with
       ``marking`` a number still to come (?) is greyed */
    slots.forEach(function (slot) {
      var text = quantity(slot.kind, slot.key);
      if (slot.node.data === text) { return; }
      slot.node.data = text;
      var pending = marking && text === "?" && mode === "step";
      if (slot.pending !== pending) { slot.node.parentNode.classList.toggle("pending", pending); slot.pending = pending; }
    });
  }
  (function prepare() {
    var rows = [];
    document.querySelectorAll("#figure svg text").forEach(function (t) {
      if (t.textContent.indexOf("\u27e6") < 0) { return; }
      var parent = t.parentNode, y = t.getAttribute("y");
      if (!rows.some(function (r) { return r.parent === parent && r.y === y; })) { rows.push({parent: parent, y: y}); }
    });
    rows.forEach(function (row) {
      var texts = Array.prototype.filter.call(row.parent.querySelectorAll("text"), function (t) {
        return t.getAttribute("y") === row.y;
      });
      var left = Infinity, right = -Infinity;
      texts.forEach(function (t) { var b = t.getBBox(); left = Math.min(left, b.x); right = Math.max(right, b.x + b.width); });
      var edge = row.parent.classList.contains("edge"), merged = texts[0].cloneNode(false);
      merged.setAttribute("text-anchor", edge ? "start" : "middle");
      merged.setAttribute("x", String(edge ? left : (left + right) / 2));
      merged.removeAttribute("fill");
      texts.forEach(function (t) {
        var span = document.createElementNS("http://www.w3.org/2000/svg", "tspan");
        ["fill", "font-weight", "font-style", "font-size"].forEach(function (a) {
          if (t.getAttribute(a)) { span.setAttribute(a, t.getAttribute(a)); }
        });
        bindText(span, t.textContent).forEach(function (slot) {
          if (slot.kind === "g") { slot.grad = span; }
          cells.push(slot);
        });
        merged.appendChild(span);
      });
      row.parent.insertBefore(merged, texts[0]);
      texts.forEach(function (t) { t.remove(); });
    });
  })();

  var quiz = DATA.quiz, mode = quiz ? "quiz" : "explore", stepAt = 0, forwardFrom = DATA.inputs[0].i;
  var selected = null, state = null, view = null, solved = {}, tries = {}, figureTangent = false;

  function x() {
    var v = new Float64Array(n);
    DATA.inputs.forEach(function (inp) { v[inp.i] = parseFloat(byId("in-" + inp.i).value); });
    return v;
  }

  /* What the slots show now: the numbers of ``state``, as far as the step mode has gone, blanks in a quiz. */
  function present() {
    var done = {}, k, partial = new Float64Array(n), received = new Int32Array(n), total = {}, running = new Float64Array(n);
    var steps = mode === "step" ? stepAt : DATA.steps.length;
    for (k = 0; k < steps; k++) { done[DATA.steps[k]] = true; }
    if (state.error) { return {done: done, partial: partial, received: received, total: total, tangent: null}; }
    DATA.steps.forEach(function (s) {
      nodes[s].a.forEach(function (o, pos) {
        var c = state.adj[s] * state.loc[s][pos];
        running[o] = sum(running[o], c);
        total[s + "." + pos] = running[o];
        if (done[s]) { partial[o] = sum(partial[o], c); received[o] += 1; }
      });
    });
    return {done: done, partial: partial, received: received, total: total,
            tangent: mode === "forward" ? tangents(state, forwardFrom) : null};
  }

  function hidden(kind, k) {
    if (mode !== "quiz") { return false; }
    if (kind === "v") { return quiz !== "grads" && nodes[k].k === "o" && nodes[k].dep && !solved["v" + k]; }
    if (kind === "g") { return quiz !== "values" && k !== out && !solved["g" + k]; }
    if (kind === "d" || kind === "D") { return quiz !== "grads"; }  /* a local derivative tells the values */
    return true;  /* c, t: what an edge brings back (see ``quantity``) */
  }

  function quantity(kind, key) {
    var k = parseInt(key, 10), err = state.error;
    if (kind === "v") {
      if (err && k === err.node) { return "\u26a0"; }
      return isNaN(state.val[k]) ? "?" : hidden("v", k) ? "?" : fmt(state.val[k]);
    }
    if (err) { return "?"; }
    if (kind === "T") { return fmt(tangents(state, forwardFrom)[k]); }
    if (kind === "G") { return fmt(state.adj[k]); }  /* the reverse-mode gradient, in any mode */
    if (kind === "g") {
      if (hidden("g", k)) { return "?"; }
      if (view.tangent) { return fmt(view.tangent[k]); }
      if (mode === "step" && k !== out) { return view.received[k] ? fmt(view.partial[k]) : "?"; }
      return fmt(state.adj[k]);
    }
    var pos = parseInt(key.split(".")[1], 10), local = state.loc[k][pos];
    var shut = kind === "c" || kind === "t" ? hidden("g", nodes[k].a[pos]) : hidden(kind, k);
    if (shut || (mode === "step" && !view.done[k])) { return "?"; }
    if (kind === "d") { return fmt(local); }
    if (kind === "D") { return paren(local); }
    if (kind === "c") { return fmt(state.adj[k] * local); }
    return fmt(view.total[key]);  /* t */
  }

  function fill(template) { return template.replace(SLOT, function (_, kind, key) { return quantity(kind, key); }); }

  function render() {
    var t0 = performance.now();
    state = compute(x());
    view = present();
    var err = state.error, active = mode === "step" && stepAt > 0 ? DATA.steps[stepAt - 1] : null;
    update(cells, true);
    var tangent = !!view.tangent;
    if (figureTangent !== tangent) {
      cells.forEach(function (slot) { if (slot.grad) { slot.grad.classList.toggle("tangent", tangent); } });
      figureTangent = tangent;
    }
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
    ids.forEach(function (id) {  /* a node drawn again (an input before each use, a row's start) with its copies */
      [id].concat(DATA.copies[id] || []).forEach(function (shown) {
        var el = byId(shown);
        if (el) { el.classList.add(cls); }
      });
    });
    marks[cls] = key;
  }

  /* --- the caption band: the frame's title and equations as the player writes them -------------- */
  var shownCaption = null, captionSlots = [];
  function caption() {
    var box = byId("caption"), lines = [], which = mode + " " + stepAt + " " + forwardFrom + " " + !!state.error;
    if (mode === "step") { byId("counter").textContent = DATA.captions[stepAt].counter; }
    if (which !== shownCaption) {
      if (state.error) { lines = []; }
      else if (mode === "step") {
        var frame = DATA.captions[stepAt];
        lines = [frame.title].concat(frame.lines);
      } else if (mode === "forward") {
        lines = DATA.forward[forwardFrom];
      } else if (mode === "explore") {
        var last = DATA.captions[DATA.captions.length - 1];
        lines = [last.title].concat(last.lines);
      }
      captionSlots = bindMarkup(box, lines.map(function (line, k) {
        return "<div" + (k === 0 ? ' class="lead"' : "") + ">" + line + "</div>";
      }).join(""));
      shownCaption = which;
    }
    update(captionSlots);
  }

  /* --- the side panel: a node's chain rule with the current numbers -------------------------------- */
  function onPath(i) {
    var keep = {}; keep[i] = true;
    for (var k = i + 1; k < n; k++) {
      if (nodes[k].a && nodes[k].a.some(function (o) { return keep[o]; })) { keep[k] = true; }
    }
    return keep;
  }

  var shownPanel = null, panelSlots = [];
  function panel() {
    var box = byId("panel-body"), aside = byId("panel");
    if (mode === "quiz") { aside.hidden = false; return; }
    if (selected === null) { marked("onpath", []); aside.hidden = true; shownPanel = null; return; }
    aside.hidden = false;
    var i = selected, node = nodes[i], keep = onPath(i), path = [];
    nodes.forEach(function (nd, k) {
      if (!keep[k]) { return; }
      path.push(nd.id);
      if (k !== i) {
        nd.a.forEach(function (o, pos) { if (keep[o]) { path.push(nodes[o].id + "-" + nd.id + "-" + pos); } });
      }
    });
    marked("onpath", path);
    var which = i + " " + !!state.error;
    if (which !== shownPanel) {
      var rows = ['<p class="lead">' + (node.k === "i" ? "Input " + node.label : node.k === "c" ?
                                        "Constant " + node.label : "Node " + node.show) + "</p>"];
      rows.push(state.error ? '<p class="error"></p>' : '<p class="value">' + node.v + "</p>" + (DATA.panels[node.id] || ""));
      panelSlots = bindMarkup(box, rows.join(""));
      shownPanel = which;
    }
    if (state.error) { box.querySelector(".error").textContent = "Error: " + state.error.message; }
    update(panelSlots);
  }

  /* --- the quiz: the hints are gradviz's, the checking the page's -------------------------------- */
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

  function buildQuiz() {
    var box = byId("panel-body");
    box.innerHTML = '<p class="lead">Quiz: fill in the ' + {values: "values", grads: "gradients",
      both: "values and gradients"}[quiz] + '.</p><p id="score"></p>';
    quizItems().forEach(function (item) {
      var node = nodes[item.i], row = document.createElement("div");
      row.className = "quiz-item";
      row.id = "q-" + item.key[0] + node.id;
      row.innerHTML = "<label>" + (item.key[0] === "v" ? node.label : node.gp) + " =</label> " +
        '<input type="text" inputmode="decimal" size="9"> <button type="button">Check</button> ' +
        '<span class="mark"></span><div class="hint"></div>';
      var field = row.querySelector("input");
      function check() {
        var answer = parseFloat(field.value.replace(P.minus, "-"));
        var truth = item.key[0] === "v" ? state.val[item.i] : state.adj[item.i];
        var right = !state.error && close(answer, truth);
        tries[item.key] = (tries[item.key] || 0) + 1;
        row.classList.toggle("right", right);
        row.classList.toggle("wrong", !right);
        row.querySelector(".mark").textContent = right ? "\u2713 right" : "\u2717 not quite";
        var saved = mode;
        mode = "explore";  /* a hint quotes the numbers it builds on */
        row.querySelector(".hint").innerHTML = right ? "" : fill(DATA.hints[item.key]);
        mode = saved;
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

  /* --- controls ------------------------------------------------------------------------------ */
  var stepper = window.gvStepper(DATA.steps.length + 1, function (k) { stepAt = k; if (state) { render(); } },
                                 {active: function () { return mode === "step"; }});
  function setMode(m) {
    mode = m;
    document.querySelectorAll(".modes button").forEach(function (b) { b.classList.toggle("on", b.dataset.mode === m); });
    byId("stepbar").hidden = m !== "step";
    byId("forwardbar").hidden = m !== "forward";
    if (m === "step") { stepper.go(stepAt); } else { render(); }
  }
  document.querySelectorAll(".modes button").forEach(function (b) {
    b.addEventListener("click", function () { setMode(b.dataset.mode); });
  });
  byId("wrt").addEventListener("change", function (e) { forwardFrom = parseInt(e.target.value, 10); render(); });
  byId("close").addEventListener("click", function () { selected = null; render(); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && selected !== null) { selected = null; render(); }
  });

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
      var id = Object.keys(DATA.copies).find(function (nid) { return DATA.copies[nid].indexOf(g.id) >= 0; }) || g.id;
      if (!(id in DATA.index)) { return; }
      selected = DATA.index[id];
      if (mode === "quiz") {
        var row = byId("q-v" + nodes[selected].id) || byId("q-g" + nodes[selected].id);
        if (row) { row.querySelector("input").focus(); }
      }
      render();
    });
  });

  window.gradvizExplorer = {
    compute: compute, tangents: tangents, render: render, format: fmt, setMode: setMode, go: stepper.go, M: M,
    state: function () { return state; }, lastRecompute: 0,
    cell: function (kind, k) {  /* the figure's text (a row's tspan) holding the slot ``kind`` (v, g) of node ``k`` */
      var found = cells.filter(function (c) { return c.kind === kind && c.key === String(k); });
      return found.length ? found[0].node.parentNode.textContent : null;
    }
  };
  if (quiz) { buildQuiz(); }
  setMode(mode);
})();
