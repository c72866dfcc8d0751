// The error banner at the top of every page: uncaught errors and rejected promises land here, in
// words, instead of in a console nobody opens. Each message can be dismissed.

import { h } from "./dom.ts";

const MAX_SHOWN = 4;

function bannerEl(): HTMLElement {
  return document.getElementById("banner")!;
}

/** Text for any thrown value: the message of an Error, the string itself, or its JSON. */
export function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/** Show one message in the banner; the oldest go when more than a few are shown. */
export function showError(message: string, title = "Something went wrong"): void {
  const banner = bannerEl();
  banner.hidden = false;
  const item = h(
    "div",
    { class: "banner-item" },
    h("strong", null, `${title}: `),
    h("span", null, message),
    h("button", { class: "link", title: "Dismiss", onclick: () => dismiss(item) }, "✕"),
  );
  banner.append(item);
  while (banner.children.length > MAX_SHOWN) banner.firstElementChild?.remove();
}

function dismiss(item: HTMLElement): void {
  const banner = bannerEl();
  item.remove();
  if (banner.children.length === 0) banner.hidden = true;
}

/** Route uncaught errors and unhandled rejections to the banner. */
export function installErrorBanner(): void {
  // The boot script in index.html stops showing errors once the app has its own handler.
  (window as { __sheepStarted?: boolean }).__sheepStarted = true;
  window.addEventListener("error", (e) => {
    showError(e.error ? describe(e.error) : e.message, "Uncaught error");
  });
  window.addEventListener("unhandledrejection", (e) => {
    showError(describe(e.reason), "Uncaught error");
  });
}
