// The query editor page: YASGUI preset to this server's /sparql, plus the project's example queries.
// Configuration comes from the JSON block the server renders into the page (no inline script, so
// the page's Content-Security-Policy can forbid them).
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("ct-editor-config").textContent);

  if (typeof window.Yasgui === "undefined") {
    document.getElementById("ct-editor-missing").hidden = false;
    return;
  }

  var Yasgui = window.Yasgui;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: {
      endpoint: config.endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9",
      acceptHeaderGraph: "text/turtle,*/*;q=0.9"
    },
    copyEndpointOnNewTab: true,
    // Only our endpoint is offered; other endpoints are blocked by the page's connect-src anyway.
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: config.endpoint }]; }
    },
    // One saved editor state per endpoint, so a moved server does not reopen tabs aimed elsewhere.
    persistenceId: "cybertreaty_" + config.endpoint,
    yasqe: {
      value: config.starterQuery,
      // The class and property completers ask a remote vocabulary service; prefixes use the list
      // bundled with YASGUI (prefixCcApi null keeps it from fetching prefix.cc).
      autocompleters: ["variables", "prefixes"],
      prefixCcApi: null
    },
    // Results show IRIs with the project's prefixes (ct:Yes) even where the query declares none.
    yasr: { prefixes: config.prefixes }
  });

  function openExample(name) {
    var example = config.examples[name];
    var tab = yasgui.addTab(true, { name: example.title, yasqe: { value: example.query } },
                            { avoidDuplicateTabs: true });
    // addTab returns the tab it selected when an identical one was open already.
    var current = yasgui.getTab();
    if (!example.federated && current) {
      current.query().catch(function () { /* YASGUI shows the error in the results pane */ });
    }
    return tab;
  }

  Array.prototype.forEach.call(document.querySelectorAll("button.ct-example"), function (button) {
    button.addEventListener("click", function () { openExample(button.dataset.example); });
  });

  // For tests and the console: the YASGUI instance and the example opener.
  window.cybertreatyEditor = { yasgui: yasgui, openExample: openExample };
})();
