// wasm-module.mjs reads a WebAssembly binary's sections for the benches (wasm-size.mjs,
// start-lazy.mjs): the WebAssembly core spec's binary format, only what they need.

/**
 * parseWasm reads a module's sections (buf a Buffer, file its name for errors): the number of
 * imported functions, each function body's [start, end] in index order after them, the function
 * names of the name section (empty without one), the data section's body and the whole name
 * section, as [start, end].
 */
export function parseWasm(buf, file) {
  if (buf.readUInt32LE(0) !== 0x6d736100) throw new Error(`${file} is not a WebAssembly binary (no \\0asm magic)`);
  let pos = 8;
  const leb = () => {
    let result = 0, shift = 0, b;
    do {
      b = buf[pos++];
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return result;
  };
  const str = () => {
    const n = leb();
    const s = buf.toString('utf8', pos, pos + n);
    pos += n;
    return s;
  };
  let imported = 0;
  const bodies = []; // [start, end] of each function body, in function index order after the imports
  const names = new Map();
  let data = null; // [start, end] of the data section's body
  let nameSection = null; // [start, end] of the whole "name" section, header included
  while (pos < buf.length) {
    const at = pos;
    const id = buf[pos++];
    const size = leb();
    const end = pos + size;
    if (id === 2) { // imports: count the imported functions, which come first in the index space
      for (let n = leb(); n > 0; n--) {
        str(); str();
        const kind = buf[pos++];
        if (kind === 0) { leb(); imported++; } else if (kind === 1) { pos++; const f = leb(); leb(); if (f & 1) leb(); } else if (kind === 2) { const f = leb(); leb(); if (f & 1) leb(); } else if (kind === 3) { pos += 2; } else if (kind === 4) { pos++; leb(); }
      }
    } else if (id === 10) {
      for (let n = leb(); n > 0; n--) {
        const len = leb();
        bodies.push([pos, pos + len]);
        pos += len;
      }
    } else if (id === 11) {
      data = [pos, end];
    } else if (id === 0 && str() === 'name') {
      nameSection = [at, end];
      while (pos < end) {
        const sub = buf[pos++];
        const subSize = leb();
        const subEnd = pos + subSize;
        if (sub === 1) for (let n = leb(); n > 0; n--) { const idx = leb(); names.set(idx, str()); }
        pos = subEnd;
      }
    }
    pos = end;
  }
  return { imported, bodies, names, data, nameSection };
}
