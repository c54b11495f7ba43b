// One error type for everything the log verifier refuses: callers tell "malformed or forged" from bugs.
export class TlogError extends Error {
  override name = 'TlogError';
}
