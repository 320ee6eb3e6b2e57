import { log } from '../log.js';

log('b');

// Text that looks like syntax must stay text: import x from 'y'; export default 1;
/* export const hidden = 1; import './nowhere.js'; */
const s = "export const z = 1; import './q.js'";
const t = `import ${'x'} from ${ { a: '{' }.a } '</script>'`;
const re = /[/{}]import\//g;
const o = { export: 1, import: 2 };
o.import = o.export / 2 / 1;

export const b = 'B' + (s.length > 0 && t.length > 0 && re.source.length > 0 ? '' : '!'), other = [1, 2], third = { x: 3 };
export function twice(x) { return 2 * x; }
export function* gen() { yield 1; }
export class K { static make() { return new K(); } }
