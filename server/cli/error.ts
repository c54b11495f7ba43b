/** A command's own refusal: printed as one line, with exit code 2. */
export class CliError extends Error {}
