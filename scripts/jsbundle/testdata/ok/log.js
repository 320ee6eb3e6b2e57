export const seen = [];
export function log(what) { seen.push(what); }
