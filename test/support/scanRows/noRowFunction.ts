/** A module a scan cannot write rows with: it has no `exportRow`. */
export const rowOf = 'not a function';
