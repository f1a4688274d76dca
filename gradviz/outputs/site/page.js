// The page: loads the runtime once, then hands the formula and values to gradviz as data
// (Python strings and a dict, never Python source) and shows what it returns.
"use strict";
const $ = (id) => document.getElementById(id);
const state = { frames: [], at: 0, page: null, formula: "", values: {}, explorer: null, exercise: null };
const PANES = ["frames", "derivation", "explorer", "exercise"];
const timing = (globalThis.gradvizTiming = { start: performance.now() });
let engine = null;  // gradviz.outputs.browser, once loaded

async function boot() {
  timing.scripts = performance.now();
  const mark = (name) => (value) => { timing[name] = performance.now(); return value; };
  const [viz, packages, pyodide] = await Promise.all([
    Viz.instance().then(mark("viz")),
    gradvizAssets.read("site-packages.zip").then(mark("decoded")),
    loadPyodide({
      indexURL: new URL("runtime/", location.href).href, lockFileContents: gradvizAssets.value("pyodide-lock.json"),
      createPyodideModule: globalThis._createPyodideModule,
    }).then(mark("python"))]);
  globalThis.gradvizViz = viz;  // the layout backend gradviz.render.backends calls in a browser
  const site = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
  pyodide.unpackArchive(packages, "zip", { extractDir: site });
  timing.unpacked = performance.now();
  engine = pyodide.pyimport("gradviz.outputs.browser");
  globalThis.gradvizPyodide = pyodide;
  timing.ready = performance.now();
}

function valuesOf(text) {  // "θ1=2, θ2=-1" as --at takes it: name → number as typed
  const out = {};
  for (const item of text.split(/[,;]/)) {
    if (!item.trim()) continue;
    const k = item.indexOf("=");
    const name = k < 0 ? "" : item.slice(0, k).trim(), value = k < 0 ? "" : item.slice(k + 1).trim();
    if (!name || !value) throw new Error(`Error: Invalid value for --at: expected name=value, got '${item.trim()}'`);
    if (name in out) throw new Error(`Error: Invalid value for --at: ${name} is given twice`);
    out[name] = value;
  }
  return out;
}

function call(name, formula, values, ...rest) {  // a Python function of browser.py, its answer as a JS object
  const py = globalThis.gradvizPyodide;
  const args = [formula, Object.keys(values).length ? py.toPy(values) : undefined, ...rest];  // undefined is None
  const answer = engine[name](...args);
  try {
    return answer.toJs({ dict_converter: Object.fromEntries });
  } finally {
    answer.destroy();
    if (args[1]) args[1].destroy();
  }
}

function showError(text) {
  $("error").textContent = text;
  $("error").hidden = !text;
}

function failed(text) {  // the error alone: no results of an earlier formula below it
  showError(text);
  Object.assign(state, { page: null, frames: [], explorer: null, exercise: null });
  $("tabs").hidden = true;
  for (const id of PANES) $(id).hidden = true;
  return false;
}

function draw() {
  const formula = $("formula").value;
  let values;
  try {
    values = valuesOf($("values").value);
  } catch (e) {
    return failed(e.message);
  }
  const began = performance.now();
  let page;
  try {
    page = call("frames_page", formula, values);
  } catch (e) {  // the runtime itself failed (out of memory, say): Python's errors come back as data
    return failed("Error: the page's Python stopped: " + String(e.message || e).trim().split("\n").pop());
  }
  if (page.error) return failed(page.error);
  showError(page.warnings.join("\n"));
  Object.assign(state, { page, frames: page.frames, formula, values, explorer: null, exercise: null });
  $("markdown").textContent = $("latex").textContent = "…";
  $("tabs").hidden = false;
  history.replaceState(null, "", "#" + new URLSearchParams({ f: formula, at: $("values").value }).toString());
  show(0);
  tab(currentTab);
  timing.lastDraw = performance.now() - began;
  return true;
}

function derive() {  // the derivation, once the first frame is on the screen
  const page = state.page;
  const answer = call("derivation_page", state.formula, state.values);
  if (state.page !== page) return;
  Object.assign(page, { markdown: answer.markdown ?? answer.error, latex: answer.latex ?? answer.error });
  $("markdown").textContent = page.markdown;
  $("latex").textContent = page.latex;
}

function drawn() {  // for tests and the bench: the body counts finished draws (the derivation included)
  document.body.dataset.drawn = String(Number(document.body.dataset.drawn || 0) + 1);
}

function show(k) {
  const n = state.frames.length;
  if (!n) return;
  state.at = Math.max(0, Math.min(n - 1, k));
  const frame = state.frames[state.at];
  $("figure").innerHTML = frame.svg;
  $("counter").textContent = `${state.at + 1} / ${n}`;
  $("frame-title").textContent = frame.title;
  $("prev").disabled = state.at === 0;
  $("next").disabled = state.at === n - 1;
}

let currentTab = "frames";
function tab(name) {
  currentTab = name;
  for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("on", b.dataset.tab === name);
  for (const id of PANES) $(id).hidden = id !== name || !state.page;
  if (!state.page) return;
  if ((name === "explorer" || name === "exercise") && state[name] === null) {
    const quiz = name === "exercise" ? $("quiz").value : undefined;
    const answer = call("explorer_page", state.formula, state.values, quiz);
    state[name] = answer.html ?? answer.error;  // an error stays this tab's message
    // loaded once the shown tab is laid out: the explorer measures its texts (getBBox) as it starts
    requestAnimationFrame(() => requestAnimationFrame(() => { $(name + "-frame").srcdoc = answer.html || ""; }));
  }
  const said = state[name]?.startsWith?.("Error: ") ? state[name] : "";
  showError([...state.page.warnings, said].filter(Boolean).join("\n"));
}

function save(name, text, type) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function savePng(frame) {  // the SVG drawn at twice its size, for slides
  const image = new Image();
  image.onload = () => {
    const canvas = document.createElement("canvas");
    canvas.width = image.naturalWidth * 2;
    canvas.height = image.naturalHeight * 2;
    const context = canvas.getContext("2d");
    context.fillStyle = "white";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    canvas.toBlob((blob) => save(frame.name.replace(/\.svg$/, ".png"), blob, "image/png"), "image/png");
  };
  image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(frame.svg);
}

function wire() {
  $("entry").addEventListener("submit", (e) => {
    e.preventDefault();
    if (!engine) return;
    if (!draw()) return drawn();
    setTimeout(() => { derive(); drawn(); }, 20);  // lets the browser paint the first frame first
  });
  $("prev").onclick = () => show(state.at - 1);
  $("next").onclick = () => show(state.at + 1);
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, textarea") || !state.frames.length || currentTab !== "frames") return;
    if (e.key === "ArrowLeft") show(state.at - 1);
    else if (e.key === "ArrowRight") show(state.at + 1);
  });
  for (const b of document.querySelectorAll("#tabs button")) b.onclick = () => tab(b.dataset.tab);
  $("quiz").onchange = () => { state.exercise = null; tab("exercise"); };
  $("save-frame").onclick = () => { const f = state.frames[state.at]; save(f.name, f.svg, "image/svg+xml"); };
  $("save-png").onclick = () => savePng(state.frames[state.at]);
  $("save-frames").onclick = () => state.frames.forEach((f) => save(f.name, f.svg, "image/svg+xml"));
  $("save-md").onclick = () => save("derivation.md", state.page.markdown, "text/markdown");
  $("save-tex").onclick = () => save("derivation.tex", state.page.latex, "application/x-tex");
  $("link").onclick = () => {
    const url = location.href.split("#")[0] + "#" +
      new URLSearchParams({ f: $("formula").value, at: $("values").value }).toString();
    navigator.clipboard?.writeText(url);
    $("status").textContent = "Link copied: " + url;
  };
  const asked = new URLSearchParams(location.hash.slice(1));
  $("formula").value = asked.get("f") ?? "(θ1θ2x − y)²";
  $("values").value = asked.get("at") ?? (asked.has("f") ? "" : "θ1=2, θ2=-1, x=3, y=1");
}

wire();
boot().then(() => {
  $("draw").disabled = false;
  $("status").textContent = "Ready: type a formula and press Enter. ← → step through the frames.";
  const ok = draw();
  timing.firstFigure = performance.now();
  if (ok) derive();
  document.body.dataset.ready = "1";
}, (e) => {
  $("status").textContent = "The page could not start Python: " + e;
  document.body.dataset.ready = "failed";
});
