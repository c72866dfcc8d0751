// Type declarations for gifenc 1.0.3, which ships none; only the parts encodeGif uses. gifenc
// ships ESM with named exports and CommonJS whose exports Node's ESM loader shows only as
// `default`, so both shapes are declared here and gif.ts picks whichever is present.

declare module "gifenc" {
  export type Palette = number[][];
  export interface FrameOptions {
    palette?: Palette;
    /** Frame delay in milliseconds; gifenc rounds it to centiseconds. */
    delay?: number;
    /** -1 plays once, 0 loops forever, n > 0 repeats n more times (NETSCAPE2.0 extension). */
    repeat?: number;
    transparent?: boolean;
    transparentIndex?: number;
    dispose?: number;
  }
  export interface Encoder {
    writeFrame(index: Uint8Array, width: number, height: number, opts?: FrameOptions): void;
    finish(): void;
    bytes(): Uint8Array<ArrayBuffer>;
  }
  export type Format = "rgb565" | "rgb444" | "rgba4444";
  export function GIFEncoder(opts?: { auto?: boolean; initialCapacity?: number }): Encoder;
  export function quantize(rgba: Uint8Array | Uint8ClampedArray, maxColors: number): Palette;
  export function applyPalette(
    rgba: Uint8Array | Uint8ClampedArray,
    palette: Palette,
    format?: Format,
  ): Uint8Array;
  const commonJs: {
    GIFEncoder: typeof GIFEncoder;
    quantize: typeof quantize;
    applyPalette: typeof applyPalette;
  };
  export default commonJs;
}
