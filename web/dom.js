// Small helpers every feature module uses to build and update the page.

/** $ returns the element with id. */
export const $ = (id) => document.getElementById(id);

/** el makes an element with attributes and children. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** say shows text in the message element id, or hides it when text is empty. */
export function say(id, text = '') {
  const e = $(id);
  e.textContent = text;
  e.hidden = !text;
}

/** mb writes a byte count for people. */
export function mb(n) {
  return n < 1e6 ? `${(n / 1e3).toFixed(0)} kB` : `${(n / 1e6).toFixed(1)} MB`;
}
