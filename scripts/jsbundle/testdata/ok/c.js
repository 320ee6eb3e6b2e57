import { log } from './log.js';

log('c');
const name = 'C';
const hidden = 'alias';
export { name, hidden as alias };
