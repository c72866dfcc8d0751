// The picture a dream starts from: picked with a file dialog, dropped onto the canvas, or the
// built-in sample. Decoding is the browser's (EXIF orientation applied); a picture too big for
// the device gets a notice that offers the largest size that fits.

import { decodeImageInBrowser, imageToNCHW, type NCHW, type RgbaImage } from "@sheep/io/browser";
import type { BackendInfo } from "@sheep/tensor";
import { describe } from "../ui/banner.ts";
import { h, replace } from "../ui/dom.ts";
import { drawRgba, resizeRgba } from "./canvas.ts";
import { adviseSize, sideLimits } from "./limits.ts";
import { samplePicture } from "./sample.ts";

/** The photos in static/samples/ that "Sample photo" cycles through. */
const SAMPLE_PHOTOS = ["chelsea.png", "coffee.png", "rocket.jpg", "astronaut.png"];

/** [width, height] with the longer side at most `maxSide` (0: unchanged), never enlarged. */
export function fitSide(width: number, height: number, maxSide: number): [number, number] {
  const k = maxSide > 0 ? Math.min(1, maxSide / Math.max(width, height)) : 1;
  return [Math.max(1, Math.round(width * k)), Math.max(1, Math.round(height * k))];
}

export class ImageInput {
  readonly el: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private readonly notice: HTMLElement;
  private image: RgbaImage | null = null;
  private name = "sample";
  /** Which sample photo the next "Sample photo" click loads. */
  private photo = 0;

  /**
   * @param info the device (for the size check), asked each time: it changes after recovery
   * @param sampleSide the sample's side in pixels
   * @param onChange called with each new picture
   * @param giveSizeAdvice false on pages that resize every picture to a fixed side themselves (the
   *   attack page's 224²): the device's size and time advice does not apply there
   */
  constructor(
    private readonly info: () => BackendInfo,
    private readonly sampleSide: number,
    private readonly onChange: () => void,
    private readonly giveSizeAdvice = true,
  ) {
    this.canvas = h("canvas", { class: "input-canvas", width: 1, height: 1 });
    this.caption = h("div", { class: "caption" });
    this.notice = h("div", { class: "notice", hidden: true, role: "status" });
    const file = h("input", { type: "file", accept: "image/png,image/jpeg", class: "hidden" });
    file.addEventListener("change", () => {
      if (file.files?.[0]) void this.load(file.files[0]);
      file.value = "";
    });
    const drop = h(
      "div",
      { class: "drop", title: "Drop a PNG or JPEG here" },
      this.canvas,
      h("div", { class: "drop-hint" }, "drop a PNG or JPEG"),
    );
    drop.addEventListener("dragover", (e) => {
      e.preventDefault();
      drop.classList.add("over");
    });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (e) => {
      e.preventDefault();
      drop.classList.remove("over");
      const f = e.dataTransfer?.files[0];
      if (f) void this.load(f);
    });
    this.el = h(
      "div",
      { class: "image-input" },
      drop,
      this.caption,
      h(
        "div",
        { class: "row" },
        h("button", { type: "button", onclick: () => file.click() }, "Choose image…"),
        h("button", { type: "button", onclick: () => this.useSample() }, "Sample picture"),
        h(
          "button",
          { type: "button", class: "sample-photo", onclick: () => void this.useSamplePhoto() },
          "Sample photo",
        ),
      ),
      file,
      this.notice,
    );
    this.useSample(false);
  }

  /** The current picture as a [1, 3, H, W] image in [0, 1]. */
  nchw(): NCHW {
    return imageToNCHW(this.image!);
  }

  get size(): [number, number] {
    return [this.image!.width, this.image!.height];
  }

  get label(): string {
    return this.name;
  }

  /** The size problem the picture has at `maxSide` (0: its own size), if any (jobs refuse hard ones). */
  problem(maxSide = 0) {
    const [w, h] = fitSide(...this.size, maxSide);
    return adviseSize(w, h, this.info());
  }

  /** The picture at most `maxSide` px on its longer side (0: as it is), as [1, 3, H, W]. */
  working(maxSide: number): NCHW {
    const [w, h] = fitSide(...this.size, maxSide);
    const img = this.image!;
    return imageToNCHW(w === img.width && h === img.height ? img : resizeRgba(img, w, h));
  }

  /** The sample picture; `notify` false while constructing (the owner is not ready yet). */
  useSample(notify = true): void {
    const side = Math.min(
      this.sampleSide,
      Math.floor(Math.sqrt(sideLimits(this.info()).hardPixels)),
    );
    this.set(samplePicture(side, side), "sample", notify);
  }

  /**
   * The next of the real photos that ship with the app (static/samples, credits in CREDITS.md):
   * each click loads the next one. Served by this app, so it works offline.
   */
  async useSamplePhoto(): Promise<void> {
    const file = SAMPLE_PHOTOS[this.photo++ % SAMPLE_PHOTOS.length];
    try {
      const res = await fetch(`samples/${file}`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      await this.load(new File([await res.blob()], file));
    } catch (e) {
      this.showNotice(`Could not load the sample ${file}: ${describe(e)}`);
    }
  }

  /** Decode a file (PNG or JPEG); a bad one leaves the current picture and says why. */
  async load(file: Blob & { name?: string }): Promise<void> {
    try {
      this.set(await decodeImageInBrowser(file), file.name ?? "image");
    } catch (e) {
      this.showNotice(`Could not open ${file.name ?? "that file"}: ${describe(e)}`);
    }
  }

  set(image: RgbaImage, name: string, notify = true): void {
    this.image = image;
    this.name = name;
    this.canvas.width = image.width;
    this.canvas.height = image.height;
    drawRgba(this.canvas, image);
    this.caption.textContent = `${name} · ${image.width}×${image.height}`;
    this.checkSize();
    if (notify) this.onChange();
  }

  /** Offer to downscale when the picture is too big (or too slow) for this device. */
  checkSize(): void {
    const advice = this.giveSizeAdvice ? this.problem() : null;
    if (!advice) {
      this.notice.hidden = true;
      return;
    }
    const [w, h2] = advice.suggested;
    const scale = () => this.set(resizeRgba(this.image!, w, h2), `${this.name} (scaled)`);
    replace(
      this.notice,
      h("p", null, advice.message),
      h(
        "div",
        { class: "row" },
        h(
          "button",
          { type: "button", class: "primary", onclick: scale },
          `Downscale to ${w}×${h2}`,
        ),
        !advice.hard &&
          h(
            "button",
            { type: "button", onclick: () => (this.notice.hidden = true) },
            "Keep full size",
          ),
      ),
    );
    this.notice.classList.toggle("error", advice.hard);
    this.notice.hidden = false;
  }

  private showNotice(text: string): void {
    replace(this.notice, h("p", null, text));
    this.notice.classList.add("error");
    this.notice.hidden = false;
  }
}
