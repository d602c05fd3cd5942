// What the explorer's pages share: reading the REST API's JSON, building DOM nodes from text only
// (nothing is ever parsed as HTML: every label, title and date comes from the data), dates, links to
// the entity pages, source titles, and the tooltip.

const SVG_NS = "http://www.w3.org/2000/svg";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// The page's settings, from the data-* attributes of #explorer (the page has no inline script).
export function pageConfig() {
  return { ...document.getElementById("explorer").dataset };
}

export async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return response.json();
}

// Every row of a named query's answer: the largest pages, following the `next` links.
export async function allRows(path) {
  const rows = [];
  let url = `${path}${path.includes("?") ? "&" : "?"}limit=1000`;
  while (url) {
    const page = await getJSON(url);
    rows.push(...page.items);
    url = page.next;
  }
  return rows;
}

function build(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// An HTML element; strings among the children become text nodes.
export function h(tag, attributes = {}, ...children) {
  return build(document.createElement(tag), attributes, children);
}

// An SVG element.
export function svg(tag, attributes = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attributes, children);
}

// The path of an IRI's page on this server (/id/...), or the IRI itself when it is not ours.
export function localHref(iri, base) {
  return iri && iri.startsWith(base) ? `/${iri.slice(base.length)}` : iri;
}

// "2025-10-25" -> "25 Oct 2025", "2025-10" -> "Oct 2025", "unknown" -> "date unknown".
export function formatDate(token) {
  if (!token || token === "unknown") return "date unknown";
  const [year, month, day] = token.split("-");
  return [day ? String(Number(day)) : "", month ? MONTHS[Number(month) - 1] : "", year]
    .filter(Boolean)
    .join(" ");
}

// The known dates of a list, formatted, or "date unknown" when no source gives one.
export function formatDates(tokens) {
  const known = (tokens || []).filter((token) => token && token !== "unknown").sort();
  return known.length ? known.map(formatDate).join(", ") : "date unknown";
}

// The source documents (/api/sources), by IRI: their titles, publishers and kinds.
export async function sourceIndex() {
  const rows = await allRows("/api/sources");
  return new Map(rows.map((row) => [row.source, row]));
}

export function sourceTitle(iri, sources) {
  const source = sources.get(iri);
  if (!source) return iri.replace(/^.*\//, "");
  return source.publisher ? `${source.title} (${source.publisher})` : source.title;
}

// Links to the sources' pages, separated by semicolons; after `limit`, "and N more".
export function sourceLinks(iris, sources, base, limit = Infinity) {
  const span = h("span", { class: "sources" });
  const shown = iris.slice(0, limit);
  shown.forEach((iri, index) => {
    if (index) span.append("; ");
    span.append(h("a", { href: localHref(iri, base) }, sourceTitle(iri, sources)));
  });
  if (iris.length > shown.length) span.append(`; and ${iris.length - shown.length} more`);
  return span;
}

// A floating tooltip: shown next to the pointer, or next to the focused element for the keyboard.
export class Tooltip {
  constructor(element) {
    this.element = element;
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.hide();
    });
  }

  show(content, x, y) {
    this.element.replaceChildren(...content);
    this.element.hidden = false;
    this.moveTo(x, y);
  }

  showBeside(content, target) {
    const box = target.getBoundingClientRect();
    this.show(content, box.right, box.top + box.height / 2);
  }

  // x and y are viewport coordinates; the tooltip stays inside the window. (Setting style
  // properties from a script is allowed by the page's Content-Security-Policy; style attributes
  // in the markup are not.)
  moveTo(x, y) {
    const { width, height } = this.element.getBoundingClientRect();
    const left = Math.min(x + 14, window.innerWidth - width - 8);
    const top = Math.min(Math.max(8, y + 14), window.innerHeight - height - 8);
    this.element.style.left = `${Math.max(8, left) + window.scrollX}px`;
    this.element.style.top = `${top + window.scrollY}px`;
  }

  hide() {
    this.element.hidden = true;
  }
}

export function showError(target, error) {
  target.replaceChildren(h("span", { class: "error" }, `Could not load the data: ${error.message}`));
  console.warn(error);
}
