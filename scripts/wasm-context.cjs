// Preloaded by scripts/go_js_wasm_exec: the globals a loader of ./wasm must define before the
// program starts (github.com/syumai/workers reads globalThis.context.binding at package init).
globalThis.context ??= { binding: {} };
