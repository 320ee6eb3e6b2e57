// store.js is the page's small store: named values and who listens to each.
// It knows nothing of the DOM, so the same model runs in the full page, an
// embed, the single-file edition and under node.
//
//   const store = createStore({ step: 1 });
//   const off = store.subscribe('step', (step) => …);  // called on every change
//   store.set('step', 2);                              // listeners of 'step' run
//   off();                                             // stop listening
//
// set() with the value already held (Object.is) notifies nobody: a view that
// re-renders on each notification does no work for an unchanged value.
// A listener is called with (value, key); one that throws does not stop the
// others (the error is reported asynchronously, as an uncaught error would be).

/**
 * createStore makes a store holding initial's keys.
 * @param {Record<string, unknown>} [initial]
 * @returns {{get(key: string): any, set(key: string, value: any): void,
 *   update(values: Record<string, any>): void,
 *   subscribe(key: string, fn: (value: any, key: string) => void): () => void}}
 */
export function createStore(initial = {}) {
  const values = new Map(Object.entries(initial));
  /** @type {Map<string, Set<Function>>} */
  const listeners = new Map();

  function notify(key, value) {
    const set = listeners.get(key);
    if (!set) return;
    // A copy: a listener may unsubscribe itself (or another) while we call them.
    for (const fn of [...set]) {
      try {
        fn(value, key);
      } catch (err) {
        queueMicrotask(() => { throw err; });
      }
    }
  }

  return {
    /** get returns the value held for key (undefined if none). */
    get(key) {
      return values.get(key);
    },
    /** set holds value for key and tells key's listeners, if it changed. */
    set(key, value) {
      if (values.has(key) && Object.is(values.get(key), value)) return;
      values.set(key, value);
      notify(key, value);
    },
    /** update sets several keys, then tells the listeners of each key that changed. */
    update(changes) {
      const changed = [];
      for (const [key, value] of Object.entries(changes)) {
        if (values.has(key) && Object.is(values.get(key), value)) continue;
        values.set(key, value);
        changed.push(key);
      }
      for (const key of changed) notify(key, values.get(key));
    },
    /** subscribe calls fn on each change of key; it returns the function that stops it. */
    subscribe(key, fn) {
      if (typeof fn !== 'function') throw new TypeError(`store: subscribe to "${key}" needs a function`);
      let set = listeners.get(key);
      if (!set) listeners.set(key, (set = new Set()));
      set.add(fn);
      return () => {
        set.delete(fn);
        if (!set.size && listeners.get(key) === set) listeners.delete(key);
      };
    },
  };
}
