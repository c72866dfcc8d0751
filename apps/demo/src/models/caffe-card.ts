// The Models page's "Your own Caffe model" card: file inputs for the weights (.caffemodel, or a
// converted .safetensors), the deploy .prototxt and optional synset words; converted and built
// in the browser, then summarised. The model-zoo hosts send no CORS headers (and the app touches
// the network only when asked), so the card points at `sheep weights pull` instead of a download.

import { describe } from "../ui/banner.ts";
import { h, replace } from "../ui/dom.ts";
import type { Models } from "./registry.ts";
import { openUserCaffe } from "./user-caffe.ts";

function fileInput(id: string, accept: string, label: string): HTMLInputElement {
  return h("input", { type: "file", accept, id, "aria-label": label }) as HTMLInputElement;
}

export function userCaffeCard(models: Models): HTMLElement {
  const status = h("p", { class: "model-status", id: "caffe-status" });
  const renderStatus = () => replace(status, h("b", null, "Status: "), models.status.caffe);
  models.onChange(renderStatus);
  renderStatus();
  const summary = h("p", { id: "caffe-summary", hidden: true });
  const error = h("p", { class: "error", id: "caffe-error", hidden: true });

  const weights = fileInput("caffe-weights", ".caffemodel,.safetensors", "open a .caffemodel");
  const prototxt = fileInput("caffe-prototxt", ".prototxt,.txt", "open its deploy .prototxt");
  const synsets = fileInput("caffe-synsets", ".txt", "open its synset words (optional)");
  const load = h("button", { type: "button", class: "primary", id: "caffe-load" }, "Load");

  load.addEventListener("click", async () => {
    const w = weights.files?.[0];
    error.hidden = true;
    if (!w) {
      error.textContent = "Choose the weights first: a .caffemodel or a converted .safetensors.";
      error.hidden = false;
      return;
    }
    load.disabled = true;
    models.status.caffe = `converting and uploading ${w.name}…`;
    renderStatus();
    try {
      const { info, loaded, model } = await openUserCaffe({
        weights: w,
        prototxt: prototxt.files?.[0],
        synsets: synsets.files?.[0],
      });
      models.setUserCaffe(info, { loaded, model });
      summary.textContent =
        `${info.name}: ${info.layers} layers, ${info.params.toLocaleString("en")} parameters; ` +
        `dreams at ${info.dreamLayer}; ` +
        (info.hasClasses
          ? `${model.classes!.length} named classes.`
          : "no class names (a classifier needs synset words, one per class score).");
      summary.hidden = false;
    } catch (e) {
      // CaffeError and PrototxtError say where in which file: one line, never a stack.
      error.textContent = `Could not open ${w.name}: ${describe(e).split("\n")[0]}`;
      error.hidden = false;
      models.status.caffe = models.userCaffe
        ? `${models.userCaffe.name} from ${models.userCaffe.origin} (still loaded)`
        : "not loaded: open your .caffemodel and its deploy .prototxt";
      renderStatus();
    } finally {
      load.disabled = false;
    }
  });

  return h(
    "div",
    { class: "card wide", id: "caffe-card" },
    h("h3", null, "Your own Caffe model"),
    h(
      "p",
      null,
      "Any Caffe network (BVLC model zoo, VGG_ILSVRC_16/19_layers, your own): converted in this " +
        "browser, nothing is uploaded anywhere. The model-zoo servers cannot be read from a " +
        "web page, so get a file with ",
      h("code", null, "sheep weights pull googlenet|squeezenet|vgg16-caffe|vgg19-caffe"),
      " (it prints where it saved it) and open it here.",
    ),
    status,
    h("p", null, "Weights (.caffemodel, or a converted .safetensors): ", weights),
    h("p", null, "Deploy .prototxt (not needed for a converted file that carries it): ", prototxt),
    h("p", null, "Synset words, one class per line (optional): ", synsets),
    h("div", { class: "row" }, load),
    summary,
    error,
  );
}
