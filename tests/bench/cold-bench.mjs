// cold-bench.mjs shows what a first call costs in a fresh engine worker
// against the same call made again (issue 9: why the live session comes
// long after the engine is ready). Each round opens a new browser context,
// starts the build's engine worker on a page of the site's origin, waits for
// its ready message, then calls setup (the starter keys), a classic
// newSession and exportSession (the same session's export again: what
// writing one costs, without its handshake) three times each, one call at
// a time, and the catalogue once.
// V8 compiles a wasm function on its first call, so the first of each is
// the cold one.
//
//   node bench/cold-bench.mjs URL [rounds]     (in tests/, the site served at URL)
//   STATE=1 node bench/cold-bench.mjs …         (each setup gives back the certificates the build
//                                                issued, as the page's first setup does)
//   node bench/cold-bench.mjs URL_A URL_B … [rounds]
//     several builds, a round of each in turn (A, B, A, B, …: what load on
//     the machine does falls on all alike), one column per build
import { launch, stats } from './chromium.mjs';

const args = process.argv.slice(2);
const urls = args.filter((a) => /^https?:/.test(a));
const roundsArg = args.find((a) => /^\d+$/.test(a)) ?? '5';
if (!urls.length || urls.length + (args.length > urls.length ? 1 : 0) !== args.length) {
  console.error('usage: node bench/cold-bench.mjs URL [URL…] [rounds]   (each a built site served at URL)');
  process.exit(2);
}
const rounds = Number(roundsArg);
const bases = urls.map((u) => (u.endsWith('/') ? u : u + '/'));
const browser = await launch();
const rows = new Map(); // call → [ms per round] per build
try {
  for (let r = 0; r < rounds * bases.length; r++) {
    const at = r % bases.length;
    const base = bases[at];
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(base + 'build.json');
    const times = await page.evaluate(async (STATE) => {
      const build = await (await fetch('/build.json')).json();
      const { STARTER_KEYS: keys } = await import('/' + build.assets + 'js/starter-keys.js');
      // The certificates the build issued to the starter keys, which the page's first setup gives back
      // (model/first-session.js): STATE=1 makes every setup do so, as the page's first live session does.
      const withState = STATE;
      let state = null;
      if (withState) {
        const { readFirstSession } = await import('/' + build.assets + 'js/model/first-session.js');
        state = readFirstSession(await (await fetch('/' + build.assets + 'first-session.json')).json())?.state;
        if (!state) throw new Error('STATE=1: this build has no first-session.json with a setupState');
      }
      const worker = new Worker('/' + build.assets + 'js/engine-worker.js');
      const started = performance.now();
      const waiting = new Map();
      let next = 0;
      const ready = new Promise((resolve, reject) => {
        worker.addEventListener('error', (e) => reject(new Error(`the engine worker failed: ${e.message}`)));
        worker.addEventListener('message', (e) => {
          if (e.data.type === 'ready') resolve(performance.now() - started);
          else if (e.data.id && e.data.progress === undefined) waiting.get(e.data.id)?.(e.data);
        });
      });
      const call = (method, arg) => new Promise((resolve) => {
        const id = ++next;
        waiting.set(id, resolve);
        worker.postMessage({ id, method, arg: arg === undefined ? undefined : JSON.stringify(arg), parsed: true });
      });
      const out = [['ready (from new Worker)', await ready]];
      const timed = async (name, method, arg) => {
        const t = performance.now();
        const answer = await call(method, arg);
        if (!answer.ok) throw new Error(`${method}: ${answer.error}`);
        out.push([name, performance.now() - t]);
      };
      const setup = { keyType: 'rsa', keyBits: 2048, serverName: state ? state.serverName : 'playground.test', caKeyPem: keys.ca, keyPem: keys.server };
      if (state) setup.state = state;
      for (let i = 1; i <= 3; i++) {
        await timed(`setup, call ${i}`, 'setup', setup);
        await timed(`classic newSession, call ${i}`, 'newSession', { mode: 'classic' });
        await timed(`exportSession, call ${i}`, 'exportSession', {});
        if (i === 1) await timed('catalogue', 'catalogue');
      }
      worker.terminate();
      return out;
    }, process.env.STATE === '1');
    for (const [name, ms] of times) {
      if (!rows.has(name)) rows.set(name, bases.map(() => []));
      rows.get(name)[at].push(ms);
    }
    await context.close();
    console.error(`round ${Math.floor(r / bases.length) + 1} of ${rounds} done (${base})`);
  }
} finally {
  await browser.close();
}
console.log(`Chromium, a fresh engine worker per round, ${rounds} rounds of each build${bases.length > 1 ? ' in turns' : ''}; ms, median (p90)\n`);
console.log(`| call | ${bases.map((b) => `${b} median | p90`).join(' | ')} |`);
console.log(`|---|${bases.map(() => '---|---').join('|')}|`);
for (const [name, per] of rows) {
  console.log(`| ${name} | ${per.map((ms) => { const s = stats(ms); return `${Math.round(s.median)} | ${Math.round(s.p90)}`; }).join(' | ')} |`);
}
