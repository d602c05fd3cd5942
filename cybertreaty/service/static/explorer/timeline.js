// The timeline: the treaty's history (named query explorer-timeline) on a chart of four lanes and in
// a table, and its progress toward entry into force (/api/treaties/{treaty}/status, which counts
// only undoubted consents of States: an EU instrument does not count in addition, art. 65(1)).

import {
  Tooltip,
  allRows,
  formatDate,
  formatDates,
  getJSON,
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
const LANES = [
  { id: "resolution", label: "General Assembly", kinds: ["resolution-adopted", "vote"] },
  {
    id: "convention",
    label: "The Convention",
    kinds: ["treaty-adopted", "opened-for-signature", "ceremony", "signature-closes", "entered-into-force"],
  },
  { id: "signatures", label: "Signatures", kinds: ["signature", "ceremony-signatures"] },
  { id: "ratification", label: "Ratification", kinds: ["consent", "domestic-step"] },
];
const CHART = { width: 960, left: 130, right: 16, top: 28, lane: 56 };
const EMPTY_YEAR = 0.22; // the width of a year without events, as a share of a busy year's
const NOT_COUNTED = new Set(["contradicted", "unverified"]);

async function main() {
  try {
    const [rows, status, sources] = await Promise.all([
      allRows(`/api/explorer/treaties/${config.treaty}/timeline`),
      getJSON(`/api/treaties/${config.treaty}/status`),
      sourceIndex(),
    ]);
    const events = toEvents(rows);
    renderProgress(status, sources);
    renderTable(events, sources);
    renderChart(events);
  } catch (error) {
    showError(document.getElementById("progress-text"), error);
  }
}

// --- Events ---------------------------------------------------------------------------------------

// The rows as events; the undoubted signatures made at the signing ceremony become one event.
function toEvents(rows) {
  const atCeremony = rows.filter((row) => row.kind === "signature" && row.at_ceremony && !row.doubts.length);
  const grouped = new Set(atCeremony);
  const events = rows.filter((row) => !grouped.has(row)).map((row) => ({ ...row, signers: [] }));
  const ceremony = rows.find((row) => row.kind === "ceremony");
  if (atCeremony.length) events.push(ceremonySignatures(atCeremony, ceremony));
  events.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  events.forEach((event, index) => {
    event.id = `event-${index + 1}`;
  });
  return events;
}

function sortKey(event) {
  return `${event.date === "unknown" ? "9999" : event.date}|${event.kind}|${event.label}`;
}

function ceremonySignatures(rows, ceremony) {
  const signers = new Map();
  for (const row of rows) if (!signers.has(row.actor)) signers.set(row.actor, row);
  const dates = rows
    .map((row) => row.date)
    .filter((date) => date !== "unknown")
    .sort();
  return {
    kind: "ceremony-signatures",
    event: ceremony ? ceremony.event : rows[0].event,
    date: ceremony ? ceremony.date : (dates[0] ?? "unknown"),
    end_date: ceremony ? ceremony.end_date : null,
    label: `${signers.size} signatures at the signing ceremony${affix(ceremony?.place_label, " in ")}`,
    place_label: ceremony?.place_label ?? null,
    signers: [...signers.values()].sort((a, b) => a.actor_name.localeCompare(b.actor_name)),
    doubts: [],
    sources: [...new Set(rows.flatMap((row) => row.sources))],
  };
}

// `before` + text + `after`, or nothing when there is no text.
function affix(text, before = "", after = "") {
  return text ? `${before}${text}${after}` : "";
}

function doubtNote(event) {
  return isDoubted(event) ? ` (${event.doubts.join(", ")}, not counted)` : "";
}

function isDoubted(event) {
  return event.doubts.some((doubt) => NOT_COUNTED.has(doubt));
}

function title(event) {
  return isDoubted(event) ? `Claim: ${plainTitle(event)}` : plainTitle(event);
}

function plainTitle(event) {
  switch (event.kind) {
    case "resolution-adopted": {
      const how = event.detail === "without-vote" ? "without a vote" : "by a recorded vote";
      return `${event.label} adopted ${how}`;
    }
    case "treaty-adopted":
      return `${event.label} adopted`;
    case "opened-for-signature":
      return `${event.label} opened for signature`;
    case "signature-closes":
      return `Last day to sign the ${event.label}`;
    case "entered-into-force":
      return `${event.label} entered into force`;
    case "signature":
      return `${event.actor_name} signed`;
    case "consent":
      return `${event.actor_name}: ${(event.detail || "consent to be bound").toLowerCase()}`;
    case "domestic-step":
      return `${event.actor_name}: domestic step (not a deposit)`;
    default:
      return event.label;
  }
}

function details(event) {
  switch (event.kind) {
    case "vote": {
      const totals = [
        [event.yes, "in favour"],
        [event.no, "against"],
        [event.abstain, "abstaining"],
        [event.not_voting, "not voting"],
      ]
        .filter(([value]) => value !== null)
        .map(([value, what]) => `${value} ${what}`);
      return `${event.detail}: ${totals.join(", ")}`;
    }
    case "ceremony":
      return event.end_date
        ? `Until ${formatDate(event.end_date)}; ${event.place_label ?? ""}`
        : event.place_label;
    case "signature":
      return event.place_label;
    case "domestic-step":
      return event.detail;
    case "ceremony-signatures":
      return signerLinks(event.signers);
    default:
      return null;
  }
}

function signerLinks(signers) {
  const span = h("span", {});
  signers.forEach((row, index) => {
    if (index) span.append(", ");
    span.append(h("a", { href: localHref(row.actor, BASE) }, row.actor_name));
  });
  return span;
}

function flags(event) {
  return event.doubts.map((doubt) =>
    h("span", { class: "flag" }, NOT_COUNTED.has(doubt) ? `${doubt}: not counted` : doubt),
  );
}

// --- Entry into force -----------------------------------------------------------------------------

function renderProgress(status, sources) {
  const force = status.entry_into_force;
  const threshold = force.threshold ?? 0;
  document.getElementById("progress-number").textContent = `${force.counted} of ${threshold} instruments`;
  document
    .getElementById("progress-cells")
    .replaceChildren(cells(force.counted, force.uncertain.length, threshold), cellsLegend(force));
  const facts = status.facts;
  const lines = [h("p", {}, force.summary, "."), h("p", {}, `Signatories: ${status.signatories.summary}.`)];
  if (facts.entry_into_force_delay_days !== null) {
    lines.push(
      h(
        "p",
        {},
        `It enters into force on the ${ordinal(facts.entry_into_force_delay_days)} day after the ` +
          `${ordinal(threshold)} instrument is deposited.`,
      ),
    );
  }
  if (facts.reio_counts_separately === false) {
    lines.push(
      h(
        "p",
        {},
        "An instrument of a regional economic integration organisation, such as the European " +
          "Union, does not count in addition to those of its member States (art. 65(1)).",
      ),
    );
  }
  if (facts.signature_closes_on)
    lines.push(h("p", {}, `Open for signature until ${formatDate(facts.signature_closes_on)}.`));
  document.getElementById("progress-text").replaceChildren(...lines);
  renderParties(status.parties, sources);
}

function ordinal(number) {
  const suffix =
    number % 100 >= 11 && number % 100 <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" }[number % 10] ?? "th");
  return `${number}${suffix}`;
}

// One cell per instrument needed: filled when counted, hatched for claims that are not counted.
function cells(counted, uncertain, threshold) {
  const perRow = 20;
  const size = 22;
  const rows = Math.ceil(threshold / perRow);
  const chart = svg(
    "svg",
    {
      class: "cells",
      viewBox: `0 0 ${perRow * size} ${rows * size}`,
      role: "img",
      "aria-label": `${counted} of ${threshold} instruments counted; ${uncertain} claimed but not counted`,
    },
    svg(
      "defs",
      {},
      svg(
        "pattern",
        { id: "hatch", width: 5, height: 5, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
        svg("rect", { class: "hatch-line", width: 1.6, height: 5 }),
      ),
    ),
  );
  for (let index = 0; index < threshold; index += 1) {
    const cellState = index < counted ? "counted" : index < counted + uncertain ? "uncertain" : "needed";
    chart.append(
      svg("rect", {
        class: "cell",
        "data-state": cellState,
        x: (index % perRow) * size + 2,
        y: Math.floor(index / perRow) * size + 2,
        width: size - 4,
        height: size - 4,
        fill: cellState === "uncertain" ? "url(#hatch)" : null,
      }),
    );
  }
  return chart;
}

function cellsLegend(force) {
  const item = (cellState, text) =>
    h(
      "li",
      {},
      svg(
        "svg",
        { class: "swatch", viewBox: "0 0 18 18", "aria-hidden": "true" },
        svg("rect", {
          class: "cell",
          "data-state": cellState,
          width: 18,
          height: 18,
          fill: cellState === "uncertain" ? "url(#hatch)" : null,
        }),
      ),
      text,
    );
  return h(
    "ul",
    { class: "cells-legend" },
    item("counted", `Counted: ${force.counted}`),
    item("uncertain", `Claimed, not counted: ${force.uncertain.length}`),
    item("needed", `Still needed: ${force.remaining ?? ""}`),
  );
}

function renderParties(parties, sources) {
  const body = document.querySelector("#parties-table tbody");
  if (!parties.length) {
    body.replaceChildren(h("tr", {}, h("td", { colspan: 5 }, "None reported.")));
    return;
  }
  body.replaceChildren(
    ...parties.map((row) => {
      const counted = row.party_status === "party" && row.actor_kind === "state";
      const why =
        row.party_status === "party"
          ? "No: an organisation's instrument does not count in addition"
          : `No: ${row.doubts.length ? row.doubts.join(", ") : "undated"} claim`;
      return h(
        "tr",
        { class: counted ? null : "doubted", "data-actor": row.actor_id },
        h("th", { scope: "row" }, h("a", { href: localHref(row.actor, BASE) }, row.name)),
        h("td", {}, row.consent_types.join(", ")),
        h("td", {}, formatDates(row.consent_dates)),
        h("td", {}, counted ? "Yes" : why),
        h("td", {}, sourceLinks(row.sources, sources, BASE)),
      );
    }),
  );
}

// --- The table ------------------------------------------------------------------------------------

function renderTable(events, sources) {
  document.querySelector("#events-table tbody").replaceChildren(
    ...events.map((event) => {
      const when = event.end_date
        ? `${formatDate(event.date)} – ${formatDate(event.end_date)}`
        : formatDate(event.date);
      return h(
        "tr",
        { id: event.id, "data-kind": event.kind, class: isDoubted(event) ? "doubted" : null },
        h("td", {}, h("time", { datetime: event.date === "unknown" ? null : event.date }, when)),
        h("th", { scope: "row" }, h("a", { href: localHref(event.event, BASE) }, title(event)), flags(event)),
        h("td", {}, details(event)),
        h("td", {}, sourceLinks(event.sources, sources, BASE, 4)),
      );
    }),
  );
}

// --- The chart ------------------------------------------------------------------------------------

// Events with a known date, grouped by lane and month: one dot per group.
function groups(events) {
  const byKey = new Map();
  for (const event of events) {
    if (event.date === "unknown") continue;
    const lane = LANES.find((candidate) => candidate.kinds.includes(event.kind));
    const key = `${lane.id}|${event.date.slice(0, 7)}`;
    if (!byKey.has(key)) byKey.set(key, { lane, month: event.date.slice(0, 7), events: [] });
    byKey.get(key).events.push(event);
  }
  return [...byKey.values()];
}

// A time scale on which years without events are narrow, so the busy years get the room.
function timeScale(placed) {
  const busy = new Set(placed.map((group) => Number(group.month.slice(0, 4))));
  const first = Math.min(...busy);
  const last = Math.max(...busy);
  const years = [];
  let total = 0;
  for (let year = first; year <= last; year += 1) {
    const weight = busy.has(year) ? 1 : EMPTY_YEAR;
    years.push({ year, start: total, weight, busy: busy.has(year) });
    total += weight;
  }
  const span = CHART.width - CHART.left - CHART.right;
  const at = (units) => CHART.left + (units / total) * span;
  const x = (month) => {
    const [year, number] = month.split("-").map(Number);
    const entry = years[year - first];
    return at(entry.start + entry.weight * (((number || 6) - 0.5) / 12));
  };
  return {
    x,
    segments: years.map((entry) => ({ ...entry, x0: at(entry.start), x1: at(entry.start + entry.weight) })),
  };
}

function renderChart(events) {
  const placed = groups(events);
  if (!placed.length) return;
  const scale = timeScale(placed);
  const height = CHART.top + LANES.length * CHART.lane + 8;
  const chart = svg("svg", {
    class: "timeline",
    viewBox: `0 0 ${CHART.width} ${height}`,
    role: "group",
    tabindex: -1,
    "aria-label": "Timeline chart; each dot links to its events in the table below",
  });
  LANES.forEach((lane, index) => chart.append(laneBand(lane, index)));
  chart.append(axis(scale.segments, height));
  LANES.forEach((lane, index) => {
    const dots = placed
      .filter((group) => group.lane === lane)
      .map((group) => ({
        group,
        x: scale.x(group.month),
        y: CHART.top + index * CHART.lane + CHART.lane / 2,
      }))
      .sort((a, b) => a.x - b.x);
    placeLabels(dots);
    chart.append(...dots.map(dot));
  });
  document.getElementById("timeline-chart").replaceChildren(chart);
  listen(chart, placed);
}

function laneBand(lane, index) {
  const y = CHART.top + index * CHART.lane;
  return svg(
    "g",
    { "aria-hidden": "true" },
    svg("rect", { class: "lane-band", x: 0, y: y + 2, width: CHART.width, height: CHART.lane - 4 }),
    svg("text", { class: "lane-label", x: 8, y: y + CHART.lane / 2 + 4 }, lane.label),
  );
}

// A line where each year starts; busy years labelled in their middle, a run of quiet years together.
function axis(segments, height) {
  const group = svg("g", { class: "axis", "aria-hidden": "true" });
  const line = (at, quiet) =>
    svg("line", { x1: at, x2: at, y1: CHART.top - 6, y2: height - 6, class: quiet ? "quiet" : null });
  const label = (at, text) => svg("text", { x: at, y: CHART.top - 10, "text-anchor": "middle" }, text);
  segments.forEach((segment, index) => {
    const quietRun = !segment.busy && index > 0 && !segments[index - 1].busy;
    group.append(line(segment.x0, quietRun));
    if (segment.busy) group.append(label((segment.x0 + segment.x1) / 2, String(segment.year)));
    else if (!quietRun) group.append(quietLabel(segments, index, label));
  });
  return group;
}

function quietLabel(segments, index, label) {
  let end = index;
  while (end + 1 < segments.length && !segments[end + 1].busy) end += 1;
  const text =
    end > index
      ? `${segments[index].year}–${String(segments[end].year).slice(2)}`
      : String(segments[index].year);
  return label((segments[index].x0 + segments[end].x1) / 2, text);
}

// Each dot's label goes above it, or below when the space above is taken (greedy, left to right).
// It goes to the dot's left near the right edge, or when the next dot is close on the right.
function placeLabels(dots) {
  const rowEnd = { above: -Infinity, below: -Infinity };
  dots.forEach((entry) => {
    entry.radius = Math.min(
      11,
      5 + Math.sqrt(entry.group.events.reduce((sum, e) => sum + Math.max(1, e.signers.length), 0)),
    );
    entry.text = shortLabel(entry.group);
  });
  dots.forEach((entry, index) => {
    const width = entry.text.length * 6.2;
    const crowded = index + 1 < dots.length && dots[index + 1].x - entry.x < width + entry.radius;
    const roomLeft =
      entry.x - entry.radius - width > CHART.left && rowEnd.above < entry.x - entry.radius - width;
    entry.anchor =
      entry.x + entry.radius + width > CHART.width - 6 || (crowded && roomLeft) ? "end" : "start";
    const start = entry.anchor === "end" ? entry.x - entry.radius - 2 - width : entry.x + entry.radius + 2;
    entry.row = rowEnd.above < start ? "above" : rowEnd.below < start ? "below" : "above";
    rowEnd[entry.row] = Math.max(rowEnd[entry.row], start + width + 6);
  });
}

function dot(entry) {
  const { group, x, y, radius } = entry;
  const textX = entry.anchor === "end" ? x - radius - 2 : x + radius + 2;
  return svg(
    "a",
    {
      class: "event",
      href: `#${group.events[0].id}`,
      "data-kind": group.lane.id,
      "data-month": group.month,
      "data-doubted": String(group.events.every(isDoubted)),
      "aria-label": group.events.map((e) => `${formatDate(e.date)}: ${title(e)}`).join("; "),
    },
    svg("circle", { cx: x.toFixed(1), cy: y, r: radius.toFixed(1) }),
    svg(
      "text",
      { x: textX.toFixed(1), y: entry.row === "above" ? y - 9 : y + 17, "text-anchor": entry.anchor },
      entry.text,
    ),
  );
}

// A few words beside a dot; the tooltip and the table say everything.
function shortLabel(group) {
  const certain = group.events.filter((event) => !isDoubted(event));
  const doubted = group.events.length - certain.length;
  // Doubted claims beside certain ones are only counted, so the label stays short.
  const shown = certain.length ? certain : group.events;
  const words = shown
    .map((event) => {
      switch (event.kind) {
        case "resolution-adopted":
          return event.label.replace(/^.*resolution\s*/, "Res. ");
        case "treaty-adopted":
          return "Adopted";
        case "opened-for-signature":
          return "Opened";
        case "ceremony":
          return event.place_label ? `${event.place_label.split(",")[0]} ceremony` : "Ceremony";
        case "ceremony-signatures":
          return `${event.signers.length} signed${affix(event.place_label?.split(",")[0], " in ")}`;
        case "signature-closes":
          return "Signature closes";
        case "entered-into-force":
          return "In force";
        case "vote":
          return null;
        default:
          return event.actor_id.toUpperCase() + (isDoubted(event) ? "?" : "");
      }
    })
    .filter(Boolean);
  const text = [...new Set(words)].join(", ") || (group.events[0].kind === "vote" ? "Committee vote" : "");
  return certain.length && doubted ? `${text} (+${doubted} doubted)` : text;
}

function listen(chart, placed) {
  const tooltip = new Tooltip(document.getElementById("timeline-tooltip"));
  const groupOf = (target) => {
    const link = target.closest("a.event");
    return (
      link &&
      placed.find((group) => group.lane.id === link.dataset.kind && group.month === link.dataset.month)
    );
  };
  const content = (group) =>
    group.events.map((event) =>
      h(
        "span",
        { class: isDoubted(event) ? "doubted-claim" : null },
        `${formatDate(event.date)}: ${title(event)}${doubtNote(event)}`,
      ),
    );
  chart.addEventListener("pointermove", (event) => {
    const group = groupOf(event.target);
    if (group) tooltip.show(content(group), event.clientX, event.clientY);
    else tooltip.hide();
  });
  chart.addEventListener("pointerleave", () => tooltip.hide());
  chart.addEventListener("focusin", (event) => {
    const group = groupOf(event.target);
    if (group) tooltip.showBeside(content(group), event.target);
  });
  chart.addEventListener("focusout", () => tooltip.hide());
}

main();
