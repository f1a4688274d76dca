// The site's binaries travel in <script> files (browsers refuse fetch() of file:// addresses);
// this registry keeps them and answers the runtime's fetch() of those names from memory.
// Nothing here ever goes to the network: a name that is not registered is refused.
"use strict";
(() => {
  const held = new Map();
  const decode = (text) => {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
    const raw = atob(text), bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  };
  const TYPES = { wasm: "application/wasm", json: "application/json", zip: "application/zip" };
  globalThis.gradvizAssets = {
    bytes(name, encoding, text) { held.set(name, { encoding, text }); },
    json(name, value) { held.set(name, { value }); },
    value(name) { return held.get(name).value; },
    async read(name) {  // the file's bytes, decompressed
      const item = held.get(name);
      if (!item) throw new Error(`the site has no file ${name}`);
      const bytes = decode(item.text);
      if (item.encoding !== "gzip") return bytes;
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      return new Uint8Array(await new Response(stream).arrayBuffer());
    },
    response(name) {
      const type = TYPES[name.split(".").pop()] || "application/octet-stream";
      return this.read(name).then((bytes) => new Response(bytes, { headers: { "Content-Type": type } }));
    },
    has(name) { return held.has(name); },
  };
  globalThis.fetch = (input) => {
    const url = String(input instanceof Request ? input.url : input);
    const name = url.split(/[?#]/)[0].split("/").pop();
    if (held.has(name)) return globalThis.gradvizAssets.response(name);
    return Promise.reject(new TypeError(`the page fetches nothing from outside its folder: ${url}`));
  };
})();
