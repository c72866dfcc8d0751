// The platform-neutral half of @sheep/io, re-exported by both entries (index.ts for Node,
// browser.ts for pages): types, errors, header reading, orientation, NCHW conversion and GIF.

export { ImageError, type ImageErrorCode } from "./errors.ts";
export { type Orientation, readExifOrientation } from "./exif.ts";
export { encodeGif, type GifOptions } from "./gif.ts";
export {
  checkPixelLimit,
  type DecodeOptions,
  type ImageHeader,
  readImageHeader,
} from "./header.ts";
export {
  assertImage,
  DEFAULT_JPEG_QUALITY,
  DEFAULT_MAX_PIXELS,
  flattenAlpha,
  type ImageFormat,
  isOpaque,
  type Rgb,
  type RgbaImage,
  WHITE,
} from "./image.ts";
export {
  type FromNCHWOptions,
  imagesToNCHW,
  imageToNCHW,
  type NCHW,
  nchwToImage,
  nchwToImages,
  type ToNCHWOptions,
} from "./nchw.ts";
export { applyOrientation } from "./orientation.ts";
export { detectFormat } from "./sniff.ts";
export { type AnimationOptions, DEFAULT_FPS } from "./timing.ts";
