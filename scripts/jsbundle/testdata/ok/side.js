import { log } from './log.js';

log('side');
