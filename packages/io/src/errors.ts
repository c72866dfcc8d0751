// ImageError: the one error type this package throws for bad image bytes, with a machine-readable
// `code` for programs and a message written for the person who picked the file.

/**
 * Why an image could not be read or written.
 * - `empty`: no bytes at all, or a header that declares zero width or height;
 * - `truncated`: the bytes stop before the format says they should (a cut-off download);
 * - `unsupported`: a format (or a variant of PNG/JPEG) this package does not decode or encode;
 * - `too-large`: the header declares more pixels than the caller allowed;
 * - `corrupt`: the bytes claim to be PNG/JPEG but break the format's rules.
 */
export type ImageErrorCode = "empty" | "truncated" | "unsupported" | "too-large" | "corrupt";

export class ImageError extends Error {
  readonly code: ImageErrorCode;

  constructor(code: ImageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ImageError";
    this.code = code;
  }
}

/**
 * Re-throws a third-party decoder's exception as an ImageError, keeping the original as `cause`
 * so a bug report still shows the decoder's own words and stack.
 */
export function decoderFailed(format: "PNG" | "JPEG", err: unknown): ImageError {
  if (err instanceof ImageError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new ImageError("corrupt", `${format} data is corrupt: ${detail}`, { cause: err });
}
