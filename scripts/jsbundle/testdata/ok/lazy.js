import { log } from './log.js';

log('lazy');
export const value = 42;
