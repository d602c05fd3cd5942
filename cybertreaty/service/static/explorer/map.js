// The world map: every State coloured by its status under the UN Convention (named query
// explorer-state-status) or by its vote on resolution 74/247 (resolution-votes), with a group
// overlay (explorer-group-members, or treaty-parties for the Budapest Convention). Shapes are
// Natural Earth's (world-atlas), joined to the States by their ISO 3166-1 numeric code.
// Colours live in explorer.css, keyed by the data-value attribute this script sets.

import {
  Tooltip,
  allRows,
  formatDate,
  formatDates,
  h,
  localHref,
  pageConfig,
  showError,
  sourceIndex,
  sourceLinks,
  svg,
} from "./common.js";

const config = pageConfig();
const BASE = config.baseIri;
const WIDTH = 960;
const HEIGHT = 500;
const TINY_AREA = 25; // square pixels: smaller States also get a dot, so they can be seen and pointed at
const ANTARCTICA = "010";

const LAYERS = {
  status: {
    title: "Status of the UN Convention",
    values: [
      { value: "ratified", label: "Ratified (consent to be bound)", always: true },
      { value: "signed-at-ceremony", label: "Signed at the Hanoi ceremony" },
      { value: "signed-later", label: "Signed later" },
      { value: "signed", label: "Signed, date and place unknown" },
      { value: "reported-not-signed", label: "Reported as not having signed" },
      { value: "no-information", label: "No information", always: true },
    ],
  },
  vote: {
    title: "Vote on resolution 74/247",
    values: [
      { value: "yes", label: "Yes", always: true },
      { value: "no", label: "No", always: true },
      { value: "abstain", label: "Abstained", always: true },
      { value: "not-voting", label: "Did not vote", always: true },
      { value: "no-record", label: "No vote recorded (not a UN member)" },
    ],
  },
};
const ROLES = {
  group: { member: "Member", observer: "Observer", none: "Not a member" },
  treaty: { member: "Party", uncertain: "Party, unverified claim", none: "Not a party" },
};

// What the page shows now, and the data it was drawn from.
const view = { layer: "status", overlay: null, overlays: new Map() };

async function main() {
  const summary = document.getElementById("map-summary");
  try {
    const [topology, statuses, votes, sources] = await Promise.all([
      fetch(config.atlas).then((response) => (response.ok ? response.json() : null)),
      allRows(`/api/explorer/treaties/${config.treaty}/states`),
      allRows(`/api/resolutions/${config.resolution}/votes`),
      sourceIndex(),
    ]);
    view.sources = sources;
    view.states = statuses.filter((row) => row.actor_kind === "state");
    view.byIso3 = new Map(view.states.map((row) => [row.actor_id, row]));
    view.others = statuses.filter((row) => row.actor_kind !== "state");
    view.votes = latestVotes(votes);
    if (topology && window.d3 && window.topojson) drawMap(topology);
    listenToControls();
    render();
  } catch (error) {
    showError(summary, error);
  }
}

// One vote per State: its latest recorded vote on the resolution (the plenary's).
function latestVotes(rows) {
  const votes = new Map();
  for (const row of rows) {
    const seen = votes.get(row.iso3);
    if (!seen || row.date > seen.date) votes.set(row.iso3, row);
  }
  return votes;
}

function valueOf(row) {
  if (view.layer === "status") return row.status;
  const vote = view.votes.get(row.actor_id);
  return vote ? vote.vote_option : "no-record";
}

// --- Drawing ------------------------------------------------------------------------------------

function drawMap(topology) {
  const features = topojson
    .feature(topology, topology.objects.countries)
    .features.filter((feature) => feature.id !== ANTARCTICA);
  const projection = d3.geoEqualEarth().fitExtent(
    [
      [4, 4],
      [WIDTH - 4, HEIGHT - 36],
    ],
    { type: "FeatureCollection", features },
  );
  const path = d3.geoPath(projection);
  const byCode = new Map(features.map((feature) => [feature.id, feature]));
  const ours = new Set(view.states.map((row) => row.iso_numeric));

  const map = svg("svg", {
    // tabindex -1: Chromium would otherwise make the drawing itself a tab stop before its States.
    id: "map",
    class: "map",
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: "group",
    tabindex: -1,
    "aria-label": "World map of the States; each State is a link to its page",
  });
  map.append(
    hatchPattern(),
    svg("path", { class: "sphere", d: path({ type: "Sphere" }), "aria-hidden": "true" }),
  );
  const background = svg("g", { "aria-hidden": "true" });
  for (const feature of features) {
    if (!ours.has(feature.id)) background.append(svg("path", { class: "other", d: path(feature) }));
  }
  const countries = svg("g", { class: "states" });
  const markers = svg("g", { class: "markers", "aria-hidden": "true" });
  const offMap = [];
  for (const row of view.states) {
    const feature = byCode.get(row.iso_numeric);
    const link = stateLink(row);
    if (feature) {
      const outline = path(feature);
      link.append(svg("path", { class: "shape", d: outline }));
      if (isUnverified(row)) link.append(svg("path", { class: "doubted", fill: "url(#hatch)", d: outline }));
      if (path.area(feature) < TINY_AREA) markers.append(...marker(row, projection(d3.geoCentroid(feature))));
    } else {
      offMap.push(link);
    }
    countries.append(link);
  }
  placeOffMap(offMap, countries);
  // The outline of the State under the pointer or the keyboard focus, drawn above its neighbours.
  const ring = svg("path", { class: "focus-ring", "aria-hidden": "true" });
  map.append(background, countries, markers, ring);
  document.getElementById("map-holder").replaceChildren(map);
  view.map = map;
  listenToMap(map);
}

function hatchPattern() {
  return svg(
    "defs",
    {},
    svg(
      "pattern",
      { id: "hatch", width: 5, height: 5, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
      svg("rect", { class: "hatch-line", width: 1.6, height: 5 }),
    ),
  );
}

function stateLink(row) {
  return svg("a", { class: "state", href: localHref(row.actor, BASE), "data-iso3": row.actor_id });
}

// A dot for a small State (hatched too when its shape is).
function marker(row, [x, y]) {
  const at = { cx: x.toFixed(1), cy: y.toFixed(1), r: 3.2 };
  const dot = svg("circle", { class: "marker", ...at, "data-iso3": row.actor_id });
  return isUnverified(row) ? [dot, svg("circle", { class: "doubted", fill: "url(#hatch)", ...at })] : [dot];
}

// States without a shape at this scale: a labelled dot each, in a row under the map.
function placeOffMap(links, parent) {
  if (!links.length) return;
  parent.append(svg("text", { class: "off-map-title", x: 8, y: HEIGHT - 14 }, "Not drawn at this scale:"));
  links.forEach((link, index) => {
    const x = 160 + index * 110;
    const row = view.byIso3.get(link.dataset.iso3);
    link.append(
      svg("circle", { class: "shape", cx: x, cy: HEIGHT - 18, r: 5 }),
      svg("text", { class: "off-map-label", x: x + 9, y: HEIGHT - 14 }, row.name),
    );
  });
}

function isUnverified(row) {
  return row.doubts.includes("unverified");
}

// --- Interaction --------------------------------------------------------------------------------

function listenToControls() {
  const form = document.getElementById("map-controls");
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("change", async () => {
    view.layer = form.elements.layer.value;
    const option = form.elements.group.selectedOptions[0];
    view.overlay = option.value
      ? { id: option.value, kind: option.dataset.kind, label: option.textContent }
      : null;
    if (view.overlay) await loadOverlay(view.overlay);
    render();
  });
}

// A group's members (or a treaty's parties), by ISO code: "member", "observer" or "uncertain".
async function loadOverlay(overlay) {
  if (view.overlays.has(overlay.id)) return;
  const roles = new Map();
  if (overlay.kind === "treaty") {
    for (const row of await allRows(`/api/treaties/${overlay.id}/parties`)) {
      const role = row.party_status === "party" ? "member" : "uncertain";
      if (row.actor_kind === "state") roles.set(row.actor_id, { role, row });
    }
  } else {
    for (const row of await allRows(`/api/explorer/groups/${overlay.id}/members`)) {
      if (!row.current) continue;
      const role = row.role === "observer" ? "observer" : "member";
      if (!roles.has(row.iso3) || role === "member") roles.set(row.iso3, { role, row });
    }
  }
  view.overlays.set(overlay.id, roles);
}

function roleOf(iso3) {
  if (!view.overlay) return null;
  const entry = view.overlays.get(view.overlay.id).get(iso3);
  return entry || { role: "none" };
}

function listenToMap(map) {
  const tooltip = new Tooltip(document.getElementById("map-tooltip"));
  const rowOf = (target) => {
    const element = target.closest("[data-iso3]");
    return element && view.byIso3.get(element.dataset.iso3);
  };
  let pointed = null; // the State under the pointer: its tooltip is built once, then only moved
  map.addEventListener("pointermove", (event) => {
    const row = rowOf(event.target);
    if (row && row === pointed) tooltip.moveTo(event.clientX, event.clientY);
    else if (row) tooltip.show(describe(row), event.clientX, event.clientY);
    else tooltip.hide();
    if (row !== pointed) outline(map, row);
    pointed = row;
  });
  map.addEventListener("pointerleave", () => {
    tooltip.hide();
    outline(map, null);
    pointed = null;
  });
  map.addEventListener("focusin", (event) => {
    const row = rowOf(event.target);
    if (!row) return;
    tooltip.showBeside(describe(row), event.target);
    markerOf(row)?.classList.add("focused");
    outline(map, row);
  });
  map.addEventListener("focusout", (event) => {
    tooltip.hide();
    const row = rowOf(event.target);
    if (row) markerOf(row)?.classList.remove("focused");
    outline(map, null);
  });
  // A dot stands for its State: clicking it opens the State's page, as clicking the shape does.
  map.addEventListener("click", (event) => {
    if (!event.target.classList.contains("marker")) return;
    const row = rowOf(event.target);
    if (row) window.location.assign(localHref(row.actor, BASE));
  });
}

function outline(map, row) {
  const ring = map.querySelector(".focus-ring");
  const shape = row && map.querySelector(`a.state[data-iso3="${CSS.escape(row.actor_id)}"] path.shape`);
  if (shape) ring.setAttribute("d", shape.getAttribute("d"));
  else ring.removeAttribute("d");
}

function markerOf(row) {
  return view.map.querySelector(`circle.marker[data-iso3="${CSS.escape(row.actor_id)}"]`);
}

// --- What a State's tooltip and table row say ---------------------------------------------------

function labelOf(value) {
  return LAYERS[view.layer].values.find((entry) => entry.value === value)?.label ?? value;
}

function statusLine(row) {
  if (row.status === "no-information") return "No information in the graph";
  if (row.status === "reported-not-signed")
    return `Reported as not having signed, as of ${formatDates(row.dates)}`;
  const where = row.places.length ? ` · ${row.places.join("; ")}` : "";
  return `${labelOf(row.status)} · ${formatDates(row.dates)}${where}`;
}

const VOTE_WORDS = { yes: "Voted yes", no: "Voted no", abstain: "Abstained", "not-voting": "Did not vote" };

function voteLine(row) {
  const vote = view.votes.get(row.actor_id);
  if (!vote) return "No vote recorded on resolution 74/247";
  const derived = vote.doubts.includes("derived") ? " (derived from the voting data)" : "";
  const words = VOTE_WORDS[vote.vote_option] ?? vote.vote_option;
  return `${words} on resolution 74/247 · ${formatDate(vote.date)}${derived}`;
}

function sourcesOf(row) {
  if (view.layer === "status") return row.sources;
  return view.votes.get(row.actor_id)?.sources ?? [];
}

function roleLine(row) {
  const entry = roleOf(row.actor_id);
  if (!entry) return null;
  const label = ROLES[view.overlay.kind][entry.role];
  const since = entry.row?.start ? ` since ${formatDate(entry.row.start)}` : "";
  return `${view.overlay.label}: ${label}${since}`;
}

function describe(row) {
  const sources = sourcesOf(row);
  const lines = [
    h("strong", {}, row.name),
    h("span", {}, view.layer === "status" ? statusLine(row) : voteLine(row)),
  ];
  if (sources.length) lines.push(h("span", {}, "Source: ", sourceLinks(sources, view.sources, BASE, 3)));
  if (view.layer === "status") {
    for (const text of row.doubted) lines.push(h("span", { class: "doubted-claim" }, `Not counted: ${text}`));
  }
  const role = roleLine(row);
  if (role) lines.push(h("span", {}, role));
  lines.push(h("span", { class: "hint" }, "Click or press Enter to open its page"));
  return lines;
}

// --- Applying a layer: colours, legend, summary, table ------------------------------------------

function render() {
  const shown = view.states.filter((row) => !view.overlay || roleOf(row.actor_id).role !== "none");
  if (view.map) paintMap();
  renderLegend(shown);
  renderSummary(shown);
  renderTable(shown);
}

function paintMap() {
  view.map.dataset.layer = view.layer;
  if (view.overlay) view.map.dataset.overlay = view.overlay.kind;
  else delete view.map.dataset.overlay;
  for (const row of view.states) {
    const value = valueOf(row);
    const role = roleOf(row.actor_id)?.role;
    for (const element of view.map.querySelectorAll(`[data-iso3="${CSS.escape(row.actor_id)}"]`)) {
      element.dataset.value = value;
      if (role) element.dataset.role = role;
      else delete element.dataset.role;
      if (element.matches("a.state")) element.setAttribute("aria-label", ariaLabel(row));
    }
  }
}

function ariaLabel(row) {
  const role = roleLine(row);
  return [row.name, view.layer === "status" ? statusLine(row) : voteLine(row), role]
    .filter(Boolean)
    .join(". ");
}

function counts(rows) {
  const tally = new Map();
  for (const row of rows) tally.set(valueOf(row), (tally.get(valueOf(row)) || 0) + 1);
  return tally;
}

function renderLegend(rows) {
  const tally = counts(rows);
  const items = LAYERS[view.layer].values
    .filter((entry) => entry.always || tally.get(entry.value))
    .map((entry) => legendItem(entry.value, entry.label, tally.get(entry.value) || 0));
  if (view.layer === "status" && rows.some(isUnverified)) {
    items.push(
      legendItem(
        "doubted",
        "Hatched: a ratification or signature that only unverified sources report (not counted)",
        rows.filter(isUnverified).length,
      ),
    );
  }
  document.getElementById("legend").replaceChildren(...items);
  renderOverlayLegend();
  renderReioNote();
}

function legendItem(value, label, count) {
  const swatch = svg(
    "svg",
    { class: "swatch", viewBox: "0 0 18 18", "aria-hidden": "true" },
    svg("rect", { class: "swatch-fill", width: 18, height: 18, "data-value": value }),
  );
  if (value === "doubted")
    swatch.append(svg("rect", { class: "doubted", fill: "url(#hatch)", width: 18, height: 18 }));
  return h(
    "li",
    { "data-value": value },
    swatch,
    h("span", {}, label),
    h("span", { class: "count" }, String(count)),
  );
}

function renderOverlayLegend() {
  const list = document.getElementById("overlay-legend");
  list.hidden = !view.overlay;
  if (!view.overlay) return;
  const tally = new Map();
  for (const row of view.states) {
    const { role } = roleOf(row.actor_id);
    tally.set(role, (tally.get(role) || 0) + 1);
  }
  const how = { member: "outlined", observer: "dashed outline", uncertain: "dashed outline", none: "faded" };
  list.replaceChildren(
    ...Object.entries(ROLES[view.overlay.kind])
      .filter(([role]) => tally.get(role) || role === "member")
      .map(([role, label]) =>
        h(
          "li",
          { "data-role": role },
          svg(
            "svg",
            { class: "swatch", viewBox: "0 0 18 18", "aria-hidden": "true" },
            svg("rect", { class: "role-swatch", x: 1, y: 1, width: 16, height: 16, "data-role": role }),
          ),
          h("span", {}, `${label} (${how[role]})`),
          h("span", { class: "count" }, String(tally.get(role) || 0)),
        ),
      ),
  );
}

function renderReioNote() {
  const note = document.getElementById("reio-note");
  note.hidden = view.layer !== "status" || !view.others.length;
  note.replaceChildren(
    ...view.others.map((row) =>
      h(
        "span",
        {},
        h("a", { href: localHref(row.actor, BASE) }, row.name),
        ` (a regional economic integration organisation, not drawn): ${statusLine(row)}. `,
      ),
    ),
  );
}

function renderSummary(rows) {
  const tally = counts(rows);
  const parts = LAYERS[view.layer].values
    .filter((entry) => tally.get(entry.value))
    .map((entry) => `${tally.get(entry.value)} ${entry.label[0].toLowerCase()}${entry.label.slice(1)}`);
  const who = view.overlay ? `${view.overlay.label} (${rows.length} States)` : `${rows.length} States`;
  document.getElementById("map-summary").textContent =
    `${LAYERS[view.layer].title}, ${who}: ${parts.join("; ")}.`;
}

function renderTable(rows) {
  const table = document.getElementById("map-table");
  const columns =
    view.layer === "status"
      ? ["State", "Status", "Date", "Place", "Sources", "Not counted (doubted claims)"]
      : ["State", "Vote", "Date", "Sources"];
  if (view.overlay) columns.push(view.overlay.kind === "treaty" ? "Budapest Convention" : "Membership");
  table.tHead.replaceChildren(
    h(
      "tr",
      {},
      columns.map((name) => h("th", { scope: "col" }, name)),
    ),
  );
  table.tBodies[0].replaceChildren(...rows.map(tableRow));
  const who = view.overlay ? ` (${view.overlay.label})` : "";
  document.getElementById("map-table-caption").textContent = `${LAYERS[view.layer].title} per State${who}`;
  updateDataLinks();
}

function tableRow(row) {
  const cells = [h("th", { scope: "row" }, h("a", { href: localHref(row.actor, BASE) }, row.name))];
  const value = valueOf(row);
  const label = h("span", { class: "value-label", "data-value": value }, labelOf(value));
  if (view.layer === "status") {
    cells.push(
      h("td", {}, label),
      h("td", {}, row.status === "no-information" ? "" : formatDates(row.dates)),
      h("td", {}, row.places.join("; ")),
      h("td", {}, sourceLinks(row.sources, view.sources, BASE)),
      h("td", {}, row.doubted.join("; ")),
    );
  } else {
    const vote = view.votes.get(row.actor_id);
    cells.push(
      h("td", {}, label),
      h("td", {}, vote ? formatDate(vote.date) : ""),
      h("td", {}, sourceLinks(vote?.sources ?? [], view.sources, BASE)),
    );
  }
  if (view.overlay) cells.push(h("td", {}, ROLES[view.overlay.kind][roleOf(row.actor_id).role]));
  return h("tr", { "data-iso3": row.actor_id, "data-value": value }, cells);
}

function updateDataLinks() {
  const link = document.getElementById("data-link");
  link.href =
    view.layer === "status"
      ? `/api/explorer/treaties/${config.treaty}/states?limit=1000`
      : `/api/resolutions/${config.resolution}/votes?limit=1000`;
  const extra = document.getElementById("data-link-extra");
  extra.replaceChildren();
  if (!view.overlay) return;
  const href =
    view.overlay.kind === "treaty"
      ? `/api/treaties/${view.overlay.id}/parties?limit=1000`
      : `/api/explorer/groups/${view.overlay.id}/members?limit=1000`;
  extra.append(" and ", h("a", { href }, `${view.overlay.label} as JSON`));
}

main();
