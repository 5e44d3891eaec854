/** The subject of machine-wide figures (memory, swap, load, CPU of the whole machine). */
export const MACHINE = 'machine';
