export function facesSection(): HTMLElement {
  return document.createElement("section");
}
