// a.js is the entry of the bundler's test: every import form the site uses.
import { b, twice as double } from './lib/b.js';
import * as c from './c.js';
import './side.js';
import {
  seen,
  log,
} from './log.js';

log('a');

export const out = [b, double(2), c.name, c.alias];

export async function later() {
  const m = await import('./lazy.js');
  return m.value;
}

export { seen };
