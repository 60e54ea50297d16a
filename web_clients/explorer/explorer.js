// GraphiQL, wired to this gateway with the bearer token the user pastes in. No inline script: the CSP
// allows scripts from this origin only.
(function () {
  "use strict";
  var tokenInput = document.getElementById("bearer-token");
  var status = document.getElementById("token-status");
  var stored = window.sessionStorage.getItem("passport-token") || "";
  tokenInput.value = stored;

  function describe() {
    status.textContent = tokenInput.value.trim()
      ? "Queries are sent with this token."
      : "No token: queries are sent without one and see only public data.";
  }
  tokenInput.addEventListener("input", function () {
    window.sessionStorage.setItem("passport-token", tokenInput.value.trim());
    describe();
  });
  describe();

  var mount = document.getElementById("graphiql");
  var endpoint = mount.getAttribute("data-endpoint");
  function fetcher(params, options) {
    var headers = Object.assign(
      { "Content-Type": "application/json", Accept: "application/json" },
      (options && options.headers) || {}
    );
    var token = tokenInput.value.trim();
    if (token) {
      headers.Authorization = "Bearer " + token.replace(/^Bearer\s+/i, "");
    }
    return fetch(endpoint, { method: "POST", headers: headers, body: JSON.stringify(params) }).then(
      function (response) { return response.json(); }
    );
  }

  // ?query=...&variables=... open the explorer on a shared document, so a link can carry a question.
  var params = new URLSearchParams(window.location.search);
  var defaultQuery = mount.getAttribute("data-default-query");
  var root = ReactDOM.createRoot(mount);
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      query: params.get("query") || undefined,
      variables: params.get("variables") || mount.getAttribute("data-default-variables") || undefined,
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: false,
    })
  );
})();
