import pkg from '../package.json' with { type: 'json' };

/** The version of @mlisp/cli. */
export const VERSION: string = pkg.version;
