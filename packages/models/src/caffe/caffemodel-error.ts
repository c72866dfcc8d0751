// The one error a bad .caffemodel gives: a single line that names the part of the file
// (`layer 3 "conv1" blob 0 data`) and what is wrong there, never a stack of decoder internals.

export class CaffeError extends Error {
  constructor(
    /** Where in the file: `NetParameter`, `layer 3 "conv1" blob 0 shape`, … */
    readonly part: string,
    detail: string,
  ) {
    super(`caffemodel ${part}: ${detail}`);
    this.name = "CaffeError";
  }
}
