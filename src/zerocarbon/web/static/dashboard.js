/* zerocarbon dashboard: fetches /api/v1/dashboard/... with the Bearer token kept in sessionStorage and
   renders it. Figures arrive as {value, display} from the server (the engine's numbers, rounded there);
   nothing here computes a figure. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("zc-config").textContent);
  var L = cfg.lang;
  var I = cfg.i18n;
  var TOKEN_KEY = "zc.token";
  var REFRESH_KEY = "zc.refresh";
  var params = new URLSearchParams(location.search);
  var state = { year: params.get("year") ? parseInt(params.get("year"), 10) : null, me: null, factories: [] };
  var COLOURS = ["#1b6b50", "#d08c2b", "#3a6ea5", "#a8443b", "#7a5aa6", "#5b8c3a", "#c2607f", "#6b6b6b", "#2c9aa8",
    "#8c6d3a"];

  function T(key, vars) {
    var text = Object.prototype.hasOwnProperty.call(I, key) ? I[key] : key;
    if (vars) text = text.replace(/\{(\w+)\}/g, function (_, n) { return vars[n] === undefined ? "" : vars[n]; });
    return text;
  }
  function nm(o, base) {
    base = base || "name";
    if (!o) return "";
    return L === "en" ? (o[base + "_en"] || o[base + "_zh"] || "") : (o[base + "_zh"] || o[base + "_en"] || "");
  }
  function esc(s) {
    return String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function disp(f) { return f && f.display !== null && f.display !== undefined ? f.display : "—"; }
  function figSpan(f, extra, cls) {
    return '<span class="num' + (cls ? " " + cls : "") + '" data-value="' + esc(f ? f.value : "") + '"' + (extra || "") + ">" +
      esc(disp(f)) + "</span>";
  }
  function $(id) { return document.getElementById(id); }
  function isWall() { return document.documentElement.classList.contains("wall"); }

  // ------------------------------------------------------------------------------------ navigation
  function withParams(path, extra) {
    var q = new URLSearchParams();
    q.set("lang", L);
    if (state.year) q.set("year", String(state.year));
    Object.keys(extra || {}).forEach(function (k) {
      if (extra[k] !== null && extra[k] !== undefined && extra[k] !== "") q.set(k, extra[k]);
    });
    return path + "?" + q.toString();
  }
  function factoryPath(fid, page) { return "/dashboard/f/" + encodeURIComponent(fid) + "/" + page; }
  function go(url) { location.href = url; }

  // --------------------------------------------------------------------------------------- the API
  function token() { return sessionStorage.getItem(TOKEN_KEY); }
  function toLogin() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(REFRESH_KEY);
    location.replace("/login?lang=" + L + "&next=" + encodeURIComponent(location.pathname + location.search));
  }
  function errorMessage(body, status) {
    if (!body) return "HTTP " + status;
    var cands = [body, body.error, body.detail];
    for (var i = 0; i < cands.length; i++) {
      var c = cands[i];
      if (!c) continue;
      if (typeof c === "string") return c;
      var m = L === "en" ? (c.message_en || c.message) : (c.message_zh || c.message);
      if (m) return m;
    }
    if (Array.isArray(body.detail)) return body.detail.map(function (d) { return d.msg; }).join("; ");
    return "HTTP " + status;
  }
  /* Access tokens are short-lived: on a 401 the refresh token (single use, rotated) buys a new pair once,
     shared by every request waiting for it, and the request is sent again. */
  var refreshing = null;
  function refresh() {
    var rt = sessionStorage.getItem(REFRESH_KEY);
    if (!rt) return Promise.resolve(false);
    if (!refreshing) {
      refreshing = fetch("/api/v1/auth/refresh", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: rt }) }).then(function (resp) {
        if (!resp.ok) return false;
        return resp.json().then(function (b) {
          sessionStorage.setItem(TOKEN_KEY, b.access_token);
          sessionStorage.setItem(REFRESH_KEY, b.refresh_token);
          return true;
        });
      }, function () { return false; }).then(function (ok) { refreshing = null; return ok; });
    }
    return refreshing;
  }
  function api(path, opts, retried) {
    opts = opts || {};
    var headers = { Authorization: "Bearer " + token(), "Accept-Language": L === "en" ? "en" : "zh-CN" };
    return fetch(path, { method: opts.method || "GET", headers: headers, body: opts.body }).then(function (resp) {
      if (resp.status === 401) {
        if (!retried) return refresh().then(function (ok) {
          if (ok) return api(path, opts, true);
          toLogin();
          throw new Error(T("err.session"));
        });
        toLogin();
        throw new Error(T("err.session"));
      }
      if (opts.raw) {
        if (!resp.ok) return resp.json().catch(function () { return null; }).then(function (b) {
          throw new Error(errorMessage(b, resp.status));
        });
        return resp;
      }
      return resp.json().catch(function () { return null; }).then(function (body) {
        if (!resp.ok) { var e = new Error(errorMessage(body, resp.status)); e.status = resp.status; e.body = body; throw e; }
        return body;
      });
    }, function () { throw new Error(T("err.network")); });
  }
  function showError(err) {
    var b = $("banner");
    if (!b) return;
    b.textContent = T("err.title") + "：" + (err && err.message ? err.message : String(err));
    b.hidden = false;
    if ($("loading")) $("loading").hidden = true;
  }
  function ready() {
    if ($("loading")) $("loading").hidden = true;
    if ($("content")) $("content").hidden = false;
  }

  // ----------------------------------------------------------------------------------------- charts
  function baseLayout(extra) {
    var size = isWall() ? 20 : 12;
    var layout = {
      font: { family: getComputedStyle(document.body).fontFamily, size: size, color: "#1f2a26" },
      margin: { l: isWall() ? 90 : 60, r: 20, t: 20, b: isWall() ? 70 : 50 }, paper_bgcolor: "white", plot_bgcolor: "white",
      separators: ".,", legend: { orientation: "h", y: -0.18 }, hoverlabel: { font: { size: size } },
      xaxis: { gridcolor: "#e4e4e4" }, yaxis: { gridcolor: "#e4e4e4", zerolinecolor: "#888" },
    };
    Object.keys(extra || {}).forEach(function (k) { layout[k] = extra[k]; });
    return layout;
  }
  var PLOT_CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  function plot(id, data, layout) {
    if (!window.Plotly) return null;
    return window.Plotly.newPlot(id, data, baseLayout(layout), PLOT_CONFIG);
  }

  // ------------------------------------------------------------------------------------ the chrome
  function chrome() {
    var langBtn = $("lang-toggle");
    if (langBtn) langBtn.addEventListener("click", function (ev) {
      ev.preventDefault();
      var next = langBtn.getAttribute("data-lang");
      localStorage.setItem("zc.lang", next);
      var q = new URLSearchParams(location.search);
      q.set("lang", next);
      location.href = location.pathname + "?" + q.toString();
    });
    var wallBtn = $("wall-toggle");
    function wallLabel() { if (wallBtn) wallBtn.textContent = isWall() ? wallBtn.dataset.off : wallBtn.dataset.on; }
    if (wallBtn) {
      wallLabel();
      wallBtn.addEventListener("click", function () {
        var on = !isWall();
        document.documentElement.classList.toggle("wall", on);
        localStorage.setItem("zc.wall", on ? "1" : "0");
        wallLabel();
        var q = new URLSearchParams(location.search);
        q.delete("wall");
        history.replaceState(null, "", location.pathname + "?" + q.toString());
        rerender();
      });
    }
    var out = $("logout");
    if (out) out.addEventListener("click", function () {
      var rt = sessionStorage.getItem(REFRESH_KEY);
      sessionStorage.removeItem(TOKEN_KEY);
      sessionStorage.removeItem(REFRESH_KEY);
      var done = function () { location.href = "/login?lang=" + L; };
      if (!rt) { done(); return; }
      fetch("/api/v1/auth/logout", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: rt }) }).then(done, done);
    });
    var close = $("drawer-close");
    if (close) close.addEventListener("click", function () { $("drawer").hidden = true; });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape" && $("drawer")) $("drawer").hidden = true; });
  }
  var rerenderHook = null;
  function rerender() {
    if (rerenderHook) rerenderHook();
    if (window.Plotly) document.querySelectorAll(".js-plotly-plot").forEach(function (el) { window.Plotly.Plots.resize(el); });
  }

  function fillHeader(factoryInfo) {
    if (state.me && $("whoami")) $("whoami").innerHTML = '<span lang="und">' + esc(state.me.username) + "</span> · " + esc(T("role." + state.me.role));
    if (state.me && state.me.portfolio) document.querySelectorAll(".nav-region").forEach(function (el) { el.hidden = false; });
    var sel = $("factory-select");
    if (sel && state.factories.length) {
      sel.innerHTML = state.factories.map(function (f) {
        return '<option value="' + esc(f.id) + '"' + (f.id === cfg.factory ? " selected" : "") + ">" + esc(nm(f) || f.id) + "</option>";
      }).join("");
      if (!state.factories.some(function (f) { return f.id === cfg.factory; })) {
        sel.insertAdjacentHTML("afterbegin", '<option selected value="' + esc(cfg.factory) + '">' + esc(cfg.factory) + "</option>");
      }
      sel.addEventListener("change", function () {
        state.year = null;
        go(withParams(factoryPath(sel.value, cfg.page === "home" ? "overview" : cfg.page)));
      });
    }
    var ysel = $("year-select");
    if (ysel) {
      // only years with data (declared or metered): the factory's, or on the portfolio any visible factory's
      var years = [];
      (factoryInfo ? [factoryInfo] : cfg.factory ? [] : state.factories).forEach(function (f) {
        (f.years || []).forEach(function (y) { if (years.indexOf(y) < 0) years.push(y); });
      });
      years.sort(function (a, b) { return b - a; });
      if (state.year && years.indexOf(state.year) < 0) years.unshift(state.year);
      ysel.innerHTML = years.map(function (y) {
        return '<option value="' + y + '"' + (y === state.year ? " selected" : "") + ">" + y + "</option>";
      }).join("");
      ysel.addEventListener("change", function () {
        state.year = parseInt(ysel.value, 10);
        var q = new URLSearchParams(location.search);
        q.set("year", ysel.value);
        location.href = location.pathname + "?" + q.toString();
      });
    }
    if (factoryInfo && $("factory-name")) $("factory-name").textContent = nm(factoryInfo) + " (" + factoryInfo.id + ")";
  }

  function boot() {
    chrome();
    if (cfg.page === "login") { loginPage(); return; }
    if (!token()) { toLogin(); return; }
    Promise.all([api("/api/v1/dashboard/me"), api("/api/v1/dashboard/factories")]).then(function (r) {
      state.me = r[0];
      state.factories = r[1];
      var info = null;
      if (cfg.factory) {
        info = state.factories.filter(function (f) { return f.id === cfg.factory; })[0] || null;
        if (!state.year && info && info.default_year) state.year = info.default_year;
      } else if (!state.year) {
        var ys = state.factories.map(function (f) { return f.default_year || 0; });
        state.year = ys.length ? Math.max.apply(null, ys) || null : null;
      }
      fillHeader(info);
      // the later capabilities' pages live in capabilities.js (window.zcPages)
      var page = PAGES[cfg.page] || (window.zcPages || {})[cfg.page];
      if (page) return page();
      ready();
    }).catch(showError);
  }

  // ------------------------------------------------------------------------------------------ login
  function loginPage() {
    var form = $("login-form");
    var next = params.get("next");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = new URLSearchParams();
      body.set("username", $("username").value);
      body.set("password", $("password").value);
      fetch("/api/v1/auth/token", { method: "POST", body: body,
        headers: { "Content-Type": "application/x-www-form-urlencoded" } })
        .then(function (resp) {
          return resp.json().catch(function () { return null; }).then(function (b) {
            if (!resp.ok || !b || !b.access_token) throw new Error(resp.status === 401 || resp.status === 400 ?
              T("login.failed") : errorMessage(b, resp.status));
            sessionStorage.setItem(TOKEN_KEY, b.access_token);
            if (b.refresh_token) sessionStorage.setItem(REFRESH_KEY, b.refresh_token);
            var target = next && next.charAt(0) === "/" && next.charAt(1) !== "/" ? next : "/dashboard/?lang=" + L;
            location.href = target;
          });
        }, function () { throw new Error(T("err.network")); })
        .catch(function (err) { var e = $("login-error"); e.textContent = err.message; e.hidden = false; });
    });
  }

  // ------------------------------------------------------------------------------------------- home
  /* Where a sign-in lands: the authority on its portfolio; everybody else (an admin too) on a factory: the
     first factory they may see (by id) that has data, else the first they may see. "?list" keeps the list. */
  function landingFactory() {
    var visible = state.factories;
    return visible.filter(function (f) { return f.has_data; })[0] || visible[0] || null;
  }
  function homePage() {
    if (state.me && state.me.role === "authority") { location.replace(withParams("/dashboard/portfolio")); return; }
    var land = landingFactory();
    if (land && !params.has("list")) {
      location.replace(withParams(factoryPath(land.id, "overview"), { year: land.default_year }));
      return;
    }
    $("home-list").innerHTML = state.factories.map(function (f) {
      return '<a class="card" href="' + esc(withParams(factoryPath(f.id, "overview"), { year: f.default_year })) + '"><h2>' +
        esc(nm(f)) + '</h2><p class="muted">' + esc(f.id) + " · " + esc(nm(f, "province") || f.province) + "</p></a>";
    }).join("") || '<p class="muted">' + esc(T("q.none")) + "</p>";
    ready();
  }

  function yearQ() { return state.year ? "?year=" + state.year : ""; }
  function fapi(part, extra) {
    var q = new URLSearchParams();
    if (state.year) q.set("year", String(state.year));
    Object.keys(extra || {}).forEach(function (k) { if (extra[k] !== null && extra[k] !== undefined && extra[k] !== "") q.set(k, extra[k]); });
    var qs = q.toString();
    var request = api("/api/v1/dashboard/factories/" + encodeURIComponent(cfg.factory) + "/" + part + (qs ? "?" + qs : ""));
    if (part !== "progress") watchProgress(request);
    return request;
  }
  // While a page's data is being computed (the first request of a year: the inventory from every
  // meter), poll the server for how far it has got and show it in place of "loading".
  function watchProgress(request) {
    var done = false, timer = null;
    function poll() {
      if (done) return;
      api("/api/v1/dashboard/factories/" + encodeURIComponent(cfg.factory) + "/progress" + yearQ()).then(function (p) {
        if (done) return;
        var box = $("loading");
        if (box && p && p.busy) {
          var vars = { year: p.year, done: p.done, total: p.total, pct: p.percent === null ? "—" : p.percent,
                       elapsed: Math.round(p.elapsed_s) };
          box.textContent = T(p.stage === "meters" ? "calc.meters" : p.stage === "engine" ? "calc.engine" : "calc.start", vars);
          box.setAttribute("data-stage", p.stage);
        }
        timer = setTimeout(poll, 1000);
      }, function () { timer = setTimeout(poll, 2000); });
    }
    timer = setTimeout(poll, 800);
    function stop() { done = true; if (timer) clearTimeout(timer); }
    request.then(stop, stop);
  }
  function inventoryLink(filters) { return withParams(factoryPath(cfg.factory, "inventory"), filters); }

  // --------------------------------------------------------------------------------------- overview
  function overviewPage() {
    fapi("overview").then(function (d) {
      state.year = d.year;
      $("declared-note").hidden = !!d.declared_file;
      $("year-total").outerHTML = figSpan(d.totals.gbt32150_total, ' id="year-total" data-testid="year-total"', "kpi-value");
      $("kpi-year-period").textContent = String(d.year);
      $("month-total").outerHTML = figSpan(d.month_total, ' id="month-total" data-testid="month-total"', "kpi-value");
      $("kpi-month-period").textContent = d.month || "";
      $("kpi-month-label").textContent = T(d.month_is_current ? "ov.month_total" : "ov.latest_month");
      if (d.month && d.month_total.value === null) $("kpi-month-foot").textContent = T("ov.month_no_data");
      $("kpi-year").addEventListener("click", function () { go(inventoryLink({})); });
      $("kpi-month").addEventListener("click", function () { if (d.month) go(inventoryLink({ period: d.month })); });
      if (d.annual_only) $("kpi-year-foot").textContent = T("ov.gbt_view") + " · " + T("ov.annual_only");
      else if (d.months_with_data.length < 12) $("kpi-year-foot").textContent = T("ov.gbt_view") + " · " +
        T("ov.partial", { n: d.months_with_data.length });
      var notes = [];
      if (!d.meters_in_place) notes.push(T("ov.no_meters", { year: d.year }));
      $("year-note").textContent = notes.join(" ");
      $("year-note").hidden = !notes.length;
      var r = d.renewables;
      $("renewable-share").textContent = disp(r.share_pct);
      $("renewable-share").setAttribute("data-value", r.share_pct.value || "");
      $("renewable-parts").textContent = T("ov.renew_parts", { pv: disp(r.parts.onsite_consumed_mwh),
        gp: disp(r.parts.green_power_mwh), gec: disp(r.parts.certificates_mwh), tot: disp(r.consumed_mwh) });
      var p = d.progress;
      if (p.available) {
        var red = parseFloat(p.reduction_pct.value);
        $("progress-value").textContent = disp(p.reduction_pct);
        $("progress-value").setAttribute("data-value", p.reduction_pct.value);
        $("progress-bar").style.width = Math.max(0, Math.min(100, red)) + "%";
        $("progress-foot").textContent = T("ov.base") + " " + p.base_year + ": " + disp(p.base_total) + " → " +
          disp(p.current_total) + " tCO2e (" + (red >= 0 ? T("ov.reduction") : T("ov.increase")) + ")";
      } else {
        $("progress-value").textContent = "—";
        $("progress-unit").textContent = "";
        $("progress-foot").textContent = T("ov.no_base");
      }
      // scope 1 and scope 2 of the month (as the month KPI) and of the year, each linked to its lines
      var sc = [["scope1", "scope1"], ["scope2_location", "scope2"], ["scope2_market", "scope2"]];
      var scopeCell = function (f, testid, filters) {
        return '<td class="num">' + (f.value === null ? figSpan(f, ' data-testid="' + testid + '"') : '<a class="fig" data-testid="' +
          testid + '" href="' + esc(inventoryLink(filters)) + '">' + figSpan(f) + "</a>") + "</td>";
      };
      $("scope-table").innerHTML = '<tr><th></th>' + (d.month ? '<th class="num" data-testid="scope-month-period">' + esc(d.month) +
        "</th>" : "") + '<th class="num">' + esc(String(d.year)) + "</th></tr>" + sc.map(function (s) {
        return "<tr><th>" + esc(T("short." + s[0])) + "</th>" +
          (d.month ? scopeCell(d.month_scopes[s[0]], "scope-month-" + s[0], { category: s[1], period: d.month }) : "") +
          scopeCell(d.scopes[s[0]], "scope-" + s[0], { category: s[1] }) + "</tr>";
      }).join("");
      $("intensity-table").innerHTML = d.intensities.length ? "<tr><th>" + esc(T("col.product")) + '</th><th class="num">' +
        esc(T("col.output")) + '</th><th class="num">' + esc(T("col.intensity")) + "</th></tr>" + d.intensities.map(function (i) {
          return "<tr" + (L === "en" ? ' title="' + esc(i.derivation) + '"' : "") + "><td>" + esc(nm(i)) + '</td><td class="num">' + esc(disp(i.output)) + " " + esc(i.unit) +
            '</td><td class="num" data-testid="intensity-' + esc(i.product) + '">' + figSpan(i.intensity) + ' <span class="muted small">' +
            esc(T("ov.per_unit", { unit: i.unit })) + "</span></td></tr>";
        }).join("") : '<tr><td class="muted">' + esc(T("ov.no_products")) + "</td></tr>";
      $("alerts").innerHTML = d.alerts.length ? d.alerts.map(function (a) {
        return '<li class="' + a.level + '"><a href="' + esc(withParams(factoryPath(cfg.factory, "quality"))) + '">' +
          esc(T("alert." + a.kind)) + '</a><span class="count">' + a.count + "</span></li>";
      }).join("") : '<li class="ok">' + esc(T("ov.no_alerts")) + "</li>";
      ready();
      var months = d.monthly.map(function (m) { return m.annual ? m.period + T("ov.whole_year") : m.period; });
      var draw = function () {
        plot("chart-monthly", [{ type: "bar", x: months, y: d.monthly.map(function (m) { return parseFloat(m.total.value); }),
          text: d.monthly.map(function (m) { return m.total.display; }), textposition: "none", marker: { color: COLOURS[0] },
          hovertemplate: "%{x}: %{text} tCO2e<extra></extra>" }],
          { xaxis: { type: "category", gridcolor: "#e4e4e4" }, yaxis: { title: { text: "tCO2e" }, gridcolor: "#e4e4e4" }, showlegend: false });
        var el = $("chart-monthly");
        if (el && el.on) el.on("plotly_click", function (ev) { go(inventoryLink({ period: d.monthly[ev.points[0].pointIndex].period })); });
      };
      draw();
      rerenderHook = draw;
    }).catch(showError);
  }

  // -------------------------------------------------------------------------------------- emissions
  function emissionsPage() {
    fapi("emissions").then(function (d) {
      var dim = params.get("by") || "category";
      function draw() {
        document.querySelectorAll("#dim-tabs .tab").forEach(function (b) { b.classList.toggle("active", b.dataset.dim === dim); });
        var series = d.dimensions[dim];
        plot("chart-emissions", series.map(function (s, i) {
          return { type: "bar", name: nm(s), x: d.periods, y: s.values, marker: { color: COLOURS[i % COLOURS.length] },
            hovertemplate: esc(nm(s)) + " %{x}: %{y:,.2f} tCO2e<extra></extra>" };
        }), { barmode: dim === "scope" ? "group" : "relative", xaxis: { type: "category" }, yaxis: { title: { text: "tCO2e" }, gridcolor: "#e4e4e4" } });
        var el = $("chart-emissions");
        if (el && el.on) el.on("plotly_click", function (ev) { go(inventoryLink({ period: ev.points[0].x })); });
        var head = "<tr><th>" + esc(T("em." + dim)) + "</th>" + d.periods.map(function (p) { return '<th class="num">' + esc(p) + "</th>"; }).join("") +
          '<th class="num">' + esc(T("sum")) + "</th></tr>";
        var rows = series.map(function (s) {
          var filt = dim === "category" ? { category: s.key } : dim === "facility" ? { facility: s.key } :
            dim === "scope" ? { category: s.key === "scope1" ? "scope1" : "scope2" } : { q: s.name_zh };
          return "<tr><td>" + esc(nm(s)) + "</td>" + s.values.map(function (v, i) {
            var f = Object.assign({ period: d.periods[i] }, filt);
            return '<td class="num"><a class="fig" href="' + esc(inventoryLink(f)) + '">' +
              v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + "</a></td>";
          }).join("") + '<td class="num">' + figSpan(s.total) + "</td></tr>";
        }).join("");
        var total = dim === "scope" ? "" : '<tr class="total"><td>' + esc(T("short.gbt32150_total")) + "</td>" + d.total.map(function (t) {
          return '<td class="num">' + figSpan(t.value) + "</td>";
        }).join("") + '<td class="num">' + figSpan(d.totals.gbt32150_total) + "</td></tr>";
        $("emissions-table").innerHTML = head + rows + total;
        var annual = d.periods.filter(function (p) { return p.indexOf("-") < 0; });
        $("annual-note").textContent = annual.length ? T("em.annual_note", { year: annual[0] }) : "";
      }
      document.querySelectorAll("#dim-tabs .tab").forEach(function (b) {
        b.addEventListener("click", function () {
          dim = b.dataset.dim;
          var q = new URLSearchParams(location.search); q.set("by", dim);
          history.replaceState(null, "", location.pathname + "?" + q.toString());
          draw();
        });
      });
      ready();
      draw();
      rerenderHook = draw;
    }).catch(showError);
  }

  // ----------------------------------------------------------------------------------------- energy
  function energyPage() {
    fapi("energy").then(function (d) {
      $("energy-total").textContent = disp(d.total_tce);
      $("energy-total").setAttribute("data-value", d.total_tce.value || "");
      $("carrier-table").innerHTML = "<tr><th>" + esc(T("en.carrier")) + '</th><th class="num">tce</th><th class="num">' +
        esc(T("en.physical")) + "</th></tr>" + d.carriers.map(function (c) {
          return "<tr><td>" + esc(nm(c)) + '</td><td class="num">' + figSpan(c.tce) + '</td><td class="num">' +
            c.physical.map(function (p) { return esc(disp(p.amount)) + " " + esc(nm(p, "unit")); }).join("<br>") + "</td></tr>";
        }).join("") + '<tr class="total"><td>' + esc(T("sum")) + '</td><td class="num">' + figSpan(d.total_tce) + "</td><td></td></tr>";
      $("facility-table").innerHTML = "<tr><th>" + esc(T("en.facility")) + '</th><th class="num">tce</th></tr>' +
        d.facilities.map(function (f) { return "<tr><td>" + esc(nm(f)) + " (" + esc(f.key) + ')</td><td class="num">' + figSpan(f.tce) + "</td></tr>"; }).join("") +
        (parseFloat(d.unattributed_tce.value) ? "<tr><td>" + esc(L === "en" ? "Site-wide (not attributed)" : "厂区自用（未分摊到设施）") +
          '</td><td class="num">' + figSpan(d.unattributed_tce) + "</td></tr>" : "");
      $("coef-table").innerHTML = "<tr><th>" + esc(T("en.carrier")) + '</th><th class="num">' + esc(T("col.value")) + "</th><th>" +
        esc(T("col.unit")) + "</th><th>" + esc(T("col.source_document")) + "</th></tr>" + d.coefficients.map(function (c) {
          return "<tr><td>" + esc(c.item) + (c.variant ? " (" + esc(c.variant) + ")" : "") + '</td><td class="num">' + esc(c.value) +
            "</td><td>" + esc(nm(c, "unit")) + "</td><td>" + docName(c.source) + "</td></tr>";
        }).join("");
      ready();
      function draw() {
        var nodes = d.sankey.nodes;
        var colour = { carrier: COLOURS[1], site: COLOURS[0], output: COLOURS[3] };
        plot("chart-sankey", [{ type: "sankey", orientation: "h", valueformat: ",.1f", valuesuffix: " tce",
          node: { label: nodes.map(function (n) { return nm(n); }), pad: isWall() ? 24 : 14, thickness: isWall() ? 26 : 16,
            color: nodes.map(function (n) { return colour[n.kind] || COLOURS[2]; }) },
          link: { source: d.sankey.links.map(function (l) { return l.source; }), target: d.sankey.links.map(function (l) { return l.target; }),
            value: d.sankey.links.map(function (l) { return l.value; }), color: "rgba(27,107,80,0.18)" } }],
          { margin: { l: 10, r: 10, t: 10, b: 10 } });
        plot("chart-carriers", d.carriers.map(function (c, i) {
          return { type: "bar", name: nm(c), x: d.periods, y: c.values, marker: { color: COLOURS[i % COLOURS.length] },
            hovertemplate: esc(nm(c)) + " %{x}: %{y:,.2f} tce<extra></extra>" };
        }), { barmode: "relative", xaxis: { type: "category" }, yaxis: { title: { text: "tce" }, gridcolor: "#e4e4e4" } });
      }
      draw();
      rerenderHook = draw;
    }).catch(showError);
  }

  // ----------------------------------------------------------------------------------------- meters
  function meterPage() {
    api("/api/v1/dashboard/factories/" + encodeURIComponent(cfg.factory) + "/meters").then(function (list) {
      $("meter-options").innerHTML = list.map(function (m) {
        return '<option value="' + esc(m.code) + '">' + esc(m.code + " · " + nm(m, "carrier") + " · " + (m.node_code || "") +
          (m.is_virtual ? " · " + T("m.virtual") : "")) + "</option>";
      }).join("");
      var meter = params.get("meter") || (list[0] && list[0].code);
      $("meter-input").value = meter || "";
      if (params.get("start")) $("meter-start").value = params.get("start").slice(0, 10);
      if (params.get("end")) $("meter-end").value = params.get("end").slice(0, 10);
      $("meter-form").addEventListener("submit", function (ev) {
        ev.preventDefault();
        var q = new URLSearchParams(location.search);
        q.set("meter", $("meter-input").value);
        if ($("meter-start").value) q.set("start", $("meter-start").value); else q.delete("start");
        if ($("meter-end").value) q.set("end", $("meter-end").value); else q.delete("end");
        history.replaceState(null, "", location.pathname + "?" + q.toString());
        load($("meter-input").value, $("meter-start").value, $("meter-end").value);
      });
      ready();
      if (meter) load(meter, params.get("start"), params.get("end"));
    }).catch(showError);

    function load(code, start, end) {
      $("banner").hidden = true;
      var q = new URLSearchParams();
      if (start) q.set("start", start);
      if (end) q.set("end", end);
      api("/api/v1/dashboard/factories/" + encodeURIComponent(cfg.factory) + "/meters/" + encodeURIComponent(code) +
        "/series" + (q.toString() ? "?" + q.toString() : "")).then(function (s) {
        if (!$("meter-start").value) $("meter-start").value = s.start.slice(0, 10);
        if (!$("meter-end").value) $("meter-end").value = s.end.slice(0, 10);
        $("meter-info").textContent = s.meter.code + " · " + nm(s.meter, "carrier") + " · " + s.unit + " · " + nm(s.meter, "register_kind") +
          (s.meter.virtual_formula ? " · " + s.meter.virtual_formula : "");
        $("meter-resolution").textContent = T("m.resolution") + ": " + T("m.res." + s.resolution) + " · " + s.timezone;
        var stats = [["m.readings", s.readings], ["m.expected", s.intervals_expected], ["m.missing", s.missing_intervals],
          ["m.est_count", s.intervals_estimated], ["m.sum", s.sum.toLocaleString("en-US", { maximumFractionDigits: 3 }) + " " + s.unit]];
        $("meter-stats").innerHTML = stats.map(function (x, i) {
          var cls = i === 2 && x[1] ? " flag-miss" : i === 3 && x[1] ? " flag-est" : "";
          return '<div class="kpi"><span class="kpi-label">' + esc(T(x[0])) + '</span><span class="kpi-value' + cls +
            '" data-testid="meter-stat-' + i + '">' + esc(x[1]) + "</span></div>";
        }).join("");
        $("gap-table").innerHTML = "<tr><th>" + esc(T("m.from")) + "</th><th>" + esc(T("m.to")) + '</th><th class="num">' +
          esc(T("m.missing")) + '</th><th class="num">' + esc(T("m.est_count")) + "</th></tr>" + (s.gaps.length ? s.gaps.map(function (g) {
            return "<tr><td>" + esc(g.start) + "</td><td>" + esc(g.end) + '</td><td class="num flag-miss">' + g.count +
              '</td><td class="num flag-est">' + g.estimated + "</td></tr>";
          }).join("") : '<tr><td colspan="4" class="muted">' + esc(T("q.none")) + "</td></tr>");
        var draw = function () {
          var measured = s.y.map(function (v, i) { return s.estimated[i] ? null : v; });
          var estimated = s.y.map(function (v, i) { return s.estimated[i] ? v : null; });
          var shapes = s.gaps.map(function (g) {
            return { type: "rect", xref: "x", yref: "paper", x0: g.start, x1: g.end, y0: 0, y1: 1,
              fillcolor: "rgba(168,68,59,0.16)", line: { width: 0 } };
          });
          var traces = [
            { type: "scattergl", mode: "lines", name: T("m.measured"), x: s.x, y: measured, line: { color: COLOURS[0], width: isWall() ? 2.5 : 1.4 },
              connectgaps: false, hovertemplate: "%{x}: %{y:,.3f} " + esc(s.unit) + "<extra></extra>" },
            { type: "scattergl", mode: "markers", name: T("m.estimated"), x: s.x, y: estimated,
              marker: { color: COLOURS[1], size: isWall() ? 9 : 5 }, hovertemplate: "%{x}: %{y:,.3f} " + esc(s.unit) + " (" + esc(T("m.estimated")) + ")<extra></extra>" },
          ];
          if (s.gaps.length) traces.push({ type: "scatter", mode: "markers", name: T("m.gap"), x: [s.gaps[0].start], y: [null],
            marker: { color: "rgba(168,68,59,0.5)", symbol: "square", size: 12 }, hoverinfo: "skip" });
          plot("chart-meter", traces, { shapes: shapes, yaxis: { title: { text: s.unit }, gridcolor: "#e4e4e4" },
            xaxis: { type: "date", gridcolor: "#e4e4e4", hoverformat: "%Y-%m-%d %H:%M", tickformatstops: [
              { dtickrange: [null, 86400000], value: "%H:%M\n%m-%d" }, { dtickrange: [86400000, null], value: "%Y-%m-%d" }] } });
        };
        draw();
        rerenderHook = draw;
      }).catch(showError);
    }
  }

  // -------------------------------------------------------------------------------------- inventory
  function inventoryPage() {
    var filters = { q: params.get("q") || "", period: params.get("period"), category: params.get("category"),
      facility: params.get("facility"), metered: params.get("metered") === "1" };
    var offset = 0;
    var rows = [];
    $("inv-q").value = filters.q;
    $("inv-metered").checked = filters.metered;
    function query(more) {
      if (!more) { offset = 0; rows = []; }
      return fapi("inventory", { q: filters.q, period: filters.period, category: filters.category, facility: filters.facility,
        metered: filters.metered ? "true" : "", offset: offset, limit: 200 }).then(function (d) {
        state.year = d.year;
        rows = rows.concat(d.lines);
        offset = rows.length;
        renderTotals(d);
        renderLines(d);
        ready();
        var open = params.get("line");
        if (open && !more) openTrace(open);
      }).catch(showError);
    }
    function renderTotals(d) {
      var keys = ["gbt32150_total", "scope1", "scope2_location", "scope2_market"];
      $("inv-totals").innerHTML = keys.map(function (k) {
        return "<tr><th>" + esc(T("total." + k)) + '</th><td class="num" data-testid="inv-total-' + k + '">' + figSpan(d.totals[k]) + "</td><td>tCO2e</td></tr>";
      }).join("");
      $("inv-uncertainty").textContent = d.uncertainty ? T("unc.approach1") + ": ±" + disp(d.uncertainty.approach1_pct) + " %" : "";
    }
    function renderLines(d) {
      var chips = [];
      ["period", "category", "facility"].forEach(function (k) {
        if (filters[k]) chips.push('<span class="chip">' + esc(T(k === "period" ? "col.period" : k === "category" ? "col.category" : "col.facility")) +
          ": " + esc(filters[k]) + '<button type="button" data-clear="' + k + '" aria-label="clear">×</button></span>');
      });
      $("inv-active-filters").innerHTML = chips.join("");
      $("inv-active-filters").querySelectorAll("button[data-clear]").forEach(function (b) {
        b.addEventListener("click", function () { filters[b.dataset.clear] = null; sync(); query(false); });
      });
      $("inv-count").textContent = T("inv.shown", { n: rows.length, total: d.matching_lines }) +
        (d.matching_lines !== d.total_lines ? " (" + d.total_lines + ")" : "");
      $("inv-more").hidden = rows.length >= d.matching_lines;
      var head = "<tr><th>" + esc(T("col.line")) + "</th><th>" + esc(T("col.facility")) + "</th><th>" + esc(T("col.category")) + "</th><th>" +
        esc(T("col.item")) + "</th><th>" + esc(T("col.period")) + '</th><th class="num">' + esc(T("col.amount")) + "</th><th>" + esc(T("col.unit")) +
        "</th><th>" + esc(T("col.source")) + '</th><th class="num">GB/T 32150</th><th class="num">' + esc(T("view.location")) +
        '</th><th class="num">' + esc(T("view.market")) + "</th></tr>";
      $("inv-lines").innerHTML = head + rows.map(function (r) {
        var e = r.emissions;
        var cell = function (v) {
          return '<td class="num">' + (e[v] ? '<button type="button" class="fig" data-line="' + esc(r.id) + '" data-testid="fig-' + v + "-" + esc(r.id) +
            '">' + figSpan(e[v]) + "</button>" : "—") + "</td>";
        };
        return "<tr><td class=\"nowrap\"><button type=\"button\" class=\"fig\" data-line=\"" + esc(r.id) + '" data-testid="line-' + esc(r.id) + '">' + esc(r.id) +
          "</button></td><td>" + esc(L === "en" ? r.facility_name_en : r.facility_name_zh) + "</td><td>" +
          esc(L === "en" ? r.category_en : r.category_zh) + "</td><td>" + esc(L === "en" ? r.item_en : r.item_zh) + '</td><td class="nowrap">' + esc(r.period) +
          '</td><td class="num">' + esc(disp(r.amount)) + "</td><td>" + esc(r.unit) + "</td><td>" + (r.metered ? esc(T("inv.src_meters") + " " +
            r.source.replace(/^meters: /, "")) : ud(r.source)) + "</td>" +
          cell("gbt32150") + cell("location") + cell("market") + "</tr>";
      }).join("");
      $("inv-lines").querySelectorAll("button[data-line]").forEach(function (b) {
        b.addEventListener("click", function () { openTrace(b.dataset.line); });
      });
    }
    function sync() {
      var q = new URLSearchParams(location.search);
      ["q", "period", "category", "facility"].forEach(function (k) { if (filters[k]) q.set(k, filters[k]); else q.delete(k); });
      if (filters.metered) q.set("metered", "1"); else q.delete("metered");
      history.replaceState(null, "", location.pathname + "?" + q.toString());
    }
    var timer = null;
    $("inv-q").addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { filters.q = $("inv-q").value; sync(); query(false); }, 250);
    });
    $("inv-metered").addEventListener("change", function () { filters.metered = $("inv-metered").checked; sync(); query(false); });
    $("inv-filter").addEventListener("submit", function (ev) { ev.preventDefault(); });
    $("inv-more").addEventListener("click", function () { query(true); });
    query(false);
  }

  /* Text as its author wrote it (a document's title, the factory's own entries): in the other language
     than the page's, it is a proper name or a quotation and is marked with its language. */
  function docName(text) {
    var cjk = /[\u3400-\u9fff]/.test(text || "");
    if (L === "en" && cjk) return '<span lang="zh">' + esc(text) + "</span>";
    if (L === "zh" && !cjk && /[A-Za-z]{2,}[^\u3400-\u9fff]*\s[A-Za-z]{2,}/.test(text || "")) return '<span lang="en">' + esc(text) + "</span>";
    return esc(text);
  }
  var ud = docName;
  function kv(pairs) {
    return '<dl class="kv">' + pairs.filter(function (p) { return p[1] !== null && p[1] !== undefined && p[1] !== ""; }).map(function (p) {
      return "<dt>" + esc(p[0]) + "</dt><dd>" + (p[2] ? p[1] : esc(p[1])) + "</dd>";
    }).join("") + "</dl>";
  }
  function openTrace(lineId) {
    var drawer = $("drawer");
    $("drawer-title").textContent = T("inv.trace") + " · " + lineId;
    $("drawer-body").innerHTML = '<p class="muted">' + esc(T("loading")) + "</p>";
    drawer.hidden = false;
    fapi("lines/" + encodeURIComponent(lineId)).then(function (d) {
      var D = d.display[L];  // every text of the drawer in the page's language (labels, notes, rounded numbers)
      var html = "";
      html += "<h3>" + esc(T("inv.activity")) + "</h3>" + kv([
        [T("col.line"), d.id], [T("col.category"), L === "en" ? d.category_en : d.category_zh],
        [T("col.item"), L === "en" ? d.item_name_en : d.item_name_zh], [T("col.facility"), d.facility], [T("col.period"), d.period],
        [T("col.amount"), d.activity.amount + " " + D.unit], [T("col.source"), ud(D.source), true],
        [T("col.quality"), D.quality], [T("col.note"), D.note && ud(D.note), true], [T("inv.read_from"), D.location],
      ]);
      ["gbt32150", "location", "market"].forEach(function (v) {
        var f = d.figures[v];
        if (!f) return;
        html += '<div class="view" data-testid="trace-view-' + v + '"><h3>' + esc(T("view." + v)) + ": " +
          '<span data-testid="trace-emissions-' + v + '">' + figSpan(d.emissions_display[v]) + "</span> tCO2e</h3>" +
          '<div class="formula">' + esc((D.formulas || {})[v] || f.formula) + "</div>";
        var inter = D.intermediates[v] || {};
        if (Object.keys(inter).length) html += "<details><summary>" + esc(T("inv.intermediates")) + "</summary>" + kv(Object.keys(inter).map(function (k) {
          return [k, inter[k]]; })) + "</details>";
        var fs = D.factors[v] || [];
        if (fs.length) {
          html += "<h3>" + esc(T("inv.factors")) + '</h3><table class="data" data-testid="trace-factors-' + v + '"><tr><th>' +
            esc(T("col.param")) + '</th><th class="num">' + esc(T("col.value")) + "</th><th>" + esc(T("col.unit")) + "</th><th>" +
            esc(T("col.source_document")) + "</th><th>" + esc(T("col.status")) + "</th></tr>" + fs.map(function (x) {
              return "<tr><td>" + esc(x.item) + " · " + esc(x.parameter) + '</td><td class="num">' + esc(x.value) + "</td><td>" + esc(x.unit) +
                '</td><td data-testid="factor-source">' + docName(x.source) + (x.factor_id ? '<br><span class="muted small">' +
                esc(x.factor_id) + "</span>" : "") + "</td><td>" + esc(x.status) + "</td></tr>";
            }).join("") + "</table>";
        }
        if (D.notes[v]) html += '<p class="muted small">' + esc(D.notes[v]) + "</p>";
        html += "</div>";
      });
      html += "<h3>" + esc(T("inv.uncertainty")) + "</h3><p>±" + esc(disp(d.uncertainty_display)) + " % (95%) · " + D.uncertainty_parts.map(function (p) {
        return esc(p.name) + " " + esc(p.pct) + "%"; }).join(L === "en" ? ", " : "，") + "</p>";
      if (d.meters) {
        html += '<div data-testid="trace-meters"><h3>' + esc(T("inv.readings")) + " · " + esc(d.meters.start) + " – " + esc(d.meters.end) +
          " (" + esc(d.meters.timezone) + ")</h3>";
        d.meters.meters.forEach(function (m, i) {
          var Dm = D.meters[i];
          html += kv([[T("m.meter"), m.code + " (" + Dm.kind + ", ×" + m.multiplier + ", " + m.unit + ")"],
            [T("m.readings"), m.readings_count], [T("m.est_count"), m.estimated], [T("m.missing"), m.gaps.reduce(function (a, g) { return a + g.count; }, 0)],
            [T("m.sum"), m.interval_sum.toLocaleString("en-US", { maximumFractionDigits: 6 }) + " " + m.energy_unit],
            [T("inv.meter_summary"), Dm.summary]]);
          html += '<p><a href="' + esc(withParams(factoryPath(cfg.factory, "meters"), { meter: m.code, start: d.meters.start.slice(0, 10),
            end: d.meters.end.slice(0, 10) })) + '" data-testid="open-meter">' + esc(T("inv.open_meter")) + "</a></p>";
          html += "<details><summary>" + esc(T("inv.daily")) + '</summary><table class="data"><tr><th>' + esc(T("q.time")) + '</th><th class="num">' +
            esc(m.energy_unit) + '</th><th class="num">' + esc(T("inv.n_intervals")) + '</th><th class="num">' + esc(T("m.estimated")) + "</th></tr>" + m.daily.map(function (x) {
              return "<tr><td>" + esc(x.day) + '</td><td class="num">' + (x.value === null ? "—" : x.value.toLocaleString("en-US", { maximumFractionDigits: 3 })) +
                '</td><td class="num">' + x.n_intervals + '</td><td class="num' + (x.n_estimated ? " flag-est" : "") + '">' + x.n_estimated + "</td></tr>";
            }).join("") + "</table></details>";
          html += '<details data-testid="raw-readings"><summary>' + esc(T("inv.raw", { n: m.readings.length })) + '</summary><table class="data"><tr><th>' +
            esc(T("q.time")) + '</th><th class="num">' + esc(m.unit) + '</th><th class="num">' + esc(T("inv.flags")) + "</th></tr>" + m.readings.map(function (x) {
              return "<tr><td>" + esc(x.time) + '</td><td class="num">' + esc(Number(x.value).toLocaleString("en-US", { maximumFractionDigits: 6 })) +
                '</td><td class="num">' + esc(x.flags) + "</td></tr>";
            }).join("") + "</table></details>";
        });
        html += "</div>";
      }
      var explain = esc(D.explain);
      D.documents.forEach(function (doc) { explain = explain.split(esc(doc)).join(docName(doc)); });
      html += "<h3>" + esc(T("inv.explain")) + '</h3><pre data-testid="trace-explain">' + explain + "</pre>";
      $("drawer-body").innerHTML = html;
    }).catch(function (err) { $("drawer-body").innerHTML = '<div class="banner">' + esc(err.message) + "</div>"; });
  }

  // ---------------------------------------------------------------------------------------- quality
  function qualityPage() {
    fapi("quality").then(function (d) {
      var sm = d.summary;
      $("q-note").textContent = d.meters_in_place ? "" : T("ov.no_meters", { year: d.year });
      $("q-note").hidden = !!d.meters_in_place;
      var keys = ["missing_intervals", "estimated_intervals", "unused", "rejected_records", "dead_letters", "warnings"];
      $("q-summary").innerHTML = keys.map(function (k) {
        return '<div class="kpi"><span class="kpi-label">' + esc(T("alert." + k)) + '</span><span class="kpi-value" data-testid="q-' + k + '">' +
          esc(sm[k]) + "</span></div>";
      }).join("");
      $("q-meters").innerHTML = "<tr><th>" + esc(T("m.meter")) + '</th><th class="num">' + esc(T("m.expected")) + '</th><th class="num">' +
        esc(T("m.missing")) + '</th><th class="num">' + esc(T("m.est_count")) + '</th><th class="num">' + esc(T("q.completeness")) + "</th></tr>" +
        d.meters.map(function (m) {
          return '<tr><td><a href="' + esc(withParams(factoryPath(cfg.factory, "meters"), { meter: m.meter })) + '">' + esc(m.meter) + '</a></td><td class="num">' +
            m.expected + '</td><td class="num' + (m.missing ? " flag-miss" : "") + '">' + m.missing + '</td><td class="num' + (m.estimated ? " flag-est" : "") + '">' +
            m.estimated + '</td><td class="num">' + (m.completeness_pct === null ? "—" : m.completeness_pct.toFixed(2)) + "</td></tr>";
        }).join("");
      $("q-gaps").innerHTML = "<tr><th>" + esc(T("m.meter")) + "</th><th>" + esc(T("m.from")) + "</th><th>" + esc(T("m.to")) + '</th><th class="num">' +
        esc(T("m.missing")) + '</th><th class="num">' + esc(T("m.est_count")) + "</th></tr>" + (d.gaps.length ? d.gaps.map(function (g) {
          return '<tr><td><a href="' + esc(withParams(factoryPath(cfg.factory, "meters"), { meter: g.meter, start: g.start.slice(0, 10),
            end: nextDay(g.end.slice(0, 10)) })) + '">' + esc(g.meter) + "</a></td><td>" + esc(g.start) + "</td><td>" + esc(g.end) +
            '</td><td class="num">' + g.count + '</td><td class="num">' + g.estimated + "</td></tr>";
        }).join("") : '<tr><td colspan="5" class="muted">' + esc(T("q.none")) + "</td></tr>");
      $("q-rejected").innerHTML = "<tr><th>" + esc(T("q.time")) + "</th><th>" + esc(T("q.location")) + "</th><th>" + esc(T("q.field")) + "</th><th>" +
        esc(T("q.reason")) + "</th><th>" + esc(T("q.raw")) + "</th></tr>" + (d.rejected.length ? d.rejected.map(function (r) {
          return "<tr><td>" + esc(r.created_at) + "</td><td>" + esc(nm(r, "location")) + "</td><td>" + esc(nm(r, "field")) + "</td><td>" + esc(nm(r, "reason")) +
            "</td><td><code>" + esc(r.raw) + "</code></td></tr>";
        }).join("") : '<tr><td colspan="5" class="muted">' + esc(T("q.none")) + "</td></tr>");
      $("q-dead").innerHTML = "<tr><th>" + esc(T("q.time")) + "</th><th>" + esc(T("q.topic")) + "</th><th>" + esc(T("q.reason")) + "</th><th>" +
        esc(T("q.raw")) + "</th></tr>" + (d.dead_letters.length ? d.dead_letters.map(function (r) {
          return "<tr><td>" + esc(r.received_at) + "</td><td>" + esc(r.topic) + "</td><td>" + esc(r.reason) + "</td><td><code>" + esc(r.payload) + "</code></td></tr>";
        }).join("") : '<tr><td colspan="4" class="muted">' + esc(T("q.none")) + "</td></tr>");
      $("q-unused").innerHTML = "<tr><th>" + esc(T("m.meter")) + "</th><th>" + esc(T("q.time")) + "</th><th>" + esc(T("q.reason")) + '</th><th class="num">' + esc(T("inv.n_intervals")) + "</th></tr>" +
        (d.unused.length ? d.unused.map(function (u) {
          return "<tr><td>" + esc(u.meter) + "</td><td>" + esc(u.time) + "</td><td>" + esc(nm(u, "reason")) + '</td><td class="num">' + u.count + "</td></tr>";
        }).join("") : '<tr><td colspan="4" class="muted">' + esc(T("q.none")) + "</td></tr>");
      $("q-warnings").innerHTML = d.warnings.length ? d.warnings.map(function (w) { return '<li class="info">' + esc(w[L]) + "</li>"; }).join("") :
        '<li class="ok">' + esc(T("q.none")) + "</li>";
      ready();
    }).catch(showError);
  }
  function nextDay(day) {
    var d = new Date(day + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  }

  // ---------------------------------------------------------------------------------------- reports
  function reportsPage() {
    activityPanel();
    // the activity panel stays usable when no report can be made yet (no data: upload some)
    reportTable().catch(showError).then(ready);
  }
  function reportTable() {
    return fapi("reports").then(function (d) {
      $("report-table").innerHTML = "<tr><th>" + esc(T("r.period")) + "</th><th>" + esc(T("r.download")) + "</th></tr>" + d.periods.map(function (p) {
        var label = p.period.indexOf("-") < 0 ? p.period + " · " + T("r.year") : p.period;
        return "<tr><td>" + esc(label) + "</td><td>" + ["html", "xlsx", "json"].map(function (fmt) {
          return '<button type="button" class="dl" data-url="' + esc(p.formats[fmt]) + '" data-name="' + esc(cfg.factory + "_" + p.period + "." + fmt) +
            '" data-testid="dl-' + esc(p.period) + "-" + fmt + '">' + fmt.toUpperCase() + "</button>";
        }).join(" ") + "</td></tr>";
      }).join("");
      $("report-table").querySelectorAll("button.dl").forEach(function (b) {
        b.addEventListener("click", function () { download(b.dataset.url + "?lang=" + L, b.dataset.name, b); });
      });
    });
  }

  /* Declared activity data: the blank template, upload (the API checks the file and names the sheet, row
     and field of a refusal), and every stored version. Only the roles with the API's setup permission
     see the form; the API decides in any case. */
  var UPLOAD_ROLES = ["admin", "factory_manager", "data_entry"];
  function activityBase() { return "/api/v1/factories/" + encodeURIComponent(cfg.factory) + "/activity-files"; }
  function activityPanel() {
    var form = $("act-form");
    $("act-template").addEventListener("click", function () {
      download("/api/v1/activity-template.xlsx", "zerocarbon-activity-template.xlsx", $("act-template"));
    });
    var may = state.me && UPLOAD_ROLES.indexOf(state.me.role) >= 0;
    form.hidden = !may;
    $("act-readonly").hidden = !!may;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var file = $("act-file").files[0];
      if (!file) return;
      var data = new FormData();
      data.append("file", file, file.name);
      data.append("note", $("act-note").value);
      var button = $("act-upload");
      button.disabled = true;
      $("act-error").hidden = true;
      $("act-result").hidden = true;
      $("act-result").textContent = T("act.uploading");
      $("act-result").hidden = false;
      api(activityBase(), { method: "POST", body: data }).then(function (d) {
        $("act-result").textContent = d.created ? T("act.created", { id: d.id, years: d.years.join("、"),
          lines: d.activity_lines, certs: d.certificates, prod: d.production_records }) : T("act.unchanged", { id: d.id });
        form.reset();
        // a page that had nothing to show for its year opens on the newest year of the file
        if (!$("banner").hidden && d.years.length && d.years.indexOf(state.year) < 0) {
          state.year = d.years[d.years.length - 1];
          var ysel = $("year-select");
          if (ysel) { ysel.insertAdjacentHTML("afterbegin", "<option>" + state.year + "</option>"); ysel.value = String(state.year); }
        }
        $("banner").hidden = true;
        loadVersions();
        reportTable().catch(showError);
      }).catch(function (err) {
        $("act-result").hidden = true;
        var details = err.body && err.body.error && err.body.error.details || {};
        $("act-error").innerHTML = "<strong>" + esc(T("act.refused")) + "</strong><p data-testid=\"act-error-message\">" + esc(err.message) +
          "</p>" + kv([[T("act.file"), details.file], [T("act.sheet"), details.sheet], [T("act.row"), details.row],
            [T("act.field"), details.field], [T("act.expected"), details.expected]]);
        $("act-error").hidden = false;
      }).then(function () { button.disabled = false; });
    });
    loadVersions();
  }
  function loadVersions() {
    api(activityBase()).then(function (rows) {
      var table = $("act-versions");
      table.innerHTML = "<tr><th>" + esc(T("act.version")) + "</th><th>" + esc(T("act.file")) + "</th><th>" + esc(T("act.by")) + "</th><th>" +
        esc(T("act.at")) + '</th><th class="num">' + esc(T("act.size")) + "</th><th>SHA-256</th><th>" + esc(T("act.note_label")) + "</th><th></th></tr>" +
        (rows.length ? rows.map(function (v) {
          return '<tr data-testid="act-version-' + v.id + '"><td>' + v.id + (v.current ? ' <em class="badge" data-testid="act-current">' +
            esc(T("act.current")) + "</em>" : "") + "</td><td>" + esc(v.filename) + "</td><td>" + esc(v.uploaded_by) + '</td><td class="nowrap">' +
            esc(v.uploaded_at_local.slice(0, 19).replace("T", " ")) + '</td><td class="num">' + v.size.toLocaleString("en-US") +
            '</td><td><code class="small" data-testid="act-sha">' + esc(v.sha256).replace(/(.{16})(?=.)/g, "$1<wbr>") + "</code></td><td>" + esc(v.note) +
            '</td><td><button type="button" class="dl" data-id="' + v.id + '" data-name="' + esc(v.filename) + '" data-testid="act-dl-' + v.id + '">' +
            esc(T("r.download")) + "</button></td></tr>";
        }).join("") : '<tr><td colspan="8" class="muted" data-testid="act-none">' + esc(T("act.none")) + "</td></tr>");
      table.querySelectorAll("button.dl").forEach(function (b) {
        b.addEventListener("click", function () { download(activityBase() + "/" + b.dataset.id, b.dataset.name, b); });
      });
    }).catch(function (err) {
      $("act-versions").innerHTML = '<tr><td class="muted">' + esc(err.message) + "</td></tr>";
    });
  }
  function download(url, name, button) {
    button.disabled = true;
    api(url, { raw: true }).then(function (resp) {
      var cd = resp.headers.get("Content-Disposition") || "";
      var m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd);
      var filename = m ? decodeURIComponent(m[1]) : name;
      return resp.blob().then(function (blob) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = filename;
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      });
    }).catch(showError).then(function () { button.disabled = false; });
  }

  // -------------------------------------------------------------------------------------- portfolio
  function portfolioPage() {
    var q = new URLSearchParams();
    if (state.year) q.set("year", String(state.year));
    api("/api/v1/dashboard/portfolio" + (q.toString() ? "?" + q.toString() : "")).then(function (d) {
      state.year = d.year;
      var ysel = $("year-select");
      if (ysel && !Array.prototype.some.call(ysel.options, function (o) { return parseInt(o.value, 10) === d.year; })) {
        ysel.insertAdjacentHTML("afterbegin", "<option>" + d.year + "</option>");
      }
      if (ysel) ysel.value = String(d.year);
      $("p-province").innerHTML = '<option value="">' + esc(T("p.all")) + "</option>" + d.provinces.map(function (p) {
        return '<option value="' + esc(p) + '">' + esc((d.province_labels || {})[p] ? d.province_labels[p][L] : p) + "</option>";
      }).join("");
      var sortKey = "rank";
      var sortDir = 1;
      var cols = [["rank", "p.rank"], ["name", "p.factory"], ["province", "p.province"], ["total", "p.total"],
        ["intensity", "ov.intensity"], ["renewable", "p.renewable"], ["reduction", "p.reduction"], ["completeness", "p.completeness"],
        ["months", "p.months"], ["alerts", "p.alerts"]];
      function val(r, k) {
        switch (k) {
          case "rank": return r.rank || 1e9;
          case "name": return nm(r);
          case "province": return r.province;
          case "total": return r.total ? parseFloat(r.total.value) : -Infinity;
          case "intensity": return nm((r.intensities || [])[0]);
          case "renewable": return r.renewable_share_pct && r.renewable_share_pct.value ? parseFloat(r.renewable_share_pct.value) : -Infinity;
          case "reduction": return r.reduction_vs_base_pct && r.reduction_vs_base_pct.value ? parseFloat(r.reduction_vs_base_pct.value) : -Infinity;
          case "completeness": return r.completeness_pct === null || r.completeness_pct === undefined ? -Infinity : r.completeness_pct;
          case "months": return r.months_with_data || 0;
          default: return r.alerts || 0;
        }
      }
      function draw() {
        var prov = $("p-province").value;
        var text = $("p-q").value.toLowerCase();
        var min = parseFloat($("p-min").value);
        var rows = d.factories.filter(function (r) {
          if (prov && r.province !== prov) return false;
          if (text && (r.id + " " + r.name_zh + " " + r.name_en).toLowerCase().indexOf(text) < 0) return false;
          if (!isNaN(min) && (!r.total || parseFloat(r.total.value) < min)) return false;
          return true;
        });
        rows.sort(function (a, b) { var x = val(a, sortKey), y = val(b, sortKey); return (x < y ? -1 : x > y ? 1 : 0) * sortDir; });
        $("p-count").textContent = T("p.count", { n: rows.length, total: d.total.display });
        $("p-table").innerHTML = "<tr>" + cols.map(function (c) {
          return '<th class="sortable' + (["name", "province", "intensity"].indexOf(c[0]) < 0 ? " num" : "") + '" data-key="' + c[0] + '">' + esc(T(c[1])) +
            (sortKey === c[0] ? (sortDir > 0 ? " ▲" : " ▼") : "") + "</th>";
        }).join("") + "</tr>" + rows.map(function (r) {
          var link = withParams(factoryPath(r.id, "overview"), { year: d.year });
          if (r.error) return '<tr class="row-error" data-testid="p-row-' + esc(r.id) + '"><td class="num">—</td><td><a href="' + esc(link) + '">' +
            esc(nm(r)) + '</a><br><span class="muted small">' + esc(r.id) + "</span></td><td>" + esc(nm(r, "province") || r.province) +
            '</td><td colspan="7"><span class="badge error" data-testid="p-error-' + esc(r.id) + '">' + esc(T("p.error")) + "</span> " +
            esc(L === "en" ? r.error.en : r.error.zh) + "</td></tr>";
          return '<tr data-testid="p-row-' + esc(r.id) + '"><td class="num">' + r.rank + '</td><td><a href="' + esc(link) + '">' + esc(nm(r)) +
            '</a><br><span class="muted small">' + esc(r.id) + "</span></td><td>" + esc(nm(r, "province") || r.province) + '</td><td class="num">' + figSpan(r.total) +
            '</td><td data-testid="p-intensity-' + esc(r.id) + '">' + intensityList(r.intensities) +
            '</td><td class="num">' + esc(disp(r.renewable_share_pct)) + '</td><td class="num">' + esc(disp(r.reduction_vs_base_pct)) +
            '</td><td class="num">' + (r.completeness_pct === null ? "—" : r.completeness_pct.toFixed(2)) + '</td><td class="num">' + r.months_with_data +
            '</td><td class="num' + (r.alerts ? " flag-miss" : "") + '">' + r.alerts + "</td></tr>";
        }).join("");
        $("p-table").querySelectorAll("th.sortable").forEach(function (th) {
          th.addEventListener("click", function () {
            var k = th.dataset.key;
            if (sortKey === k) sortDir = -sortDir; else { sortKey = k; sortDir = ["name", "province", "rank", "intensity"].indexOf(k) >= 0 ? 1 : -1; }
            draw();
          });
        });
      }
      /* every product of the factory: "name: value tCO2e/unit", one per line */
      function intensityList(list) {
        if (!list || !list.length) return '<span class="muted">—</span>';
        return '<ul class="plain">' + list.map(function (i) {
          return '<li data-product="' + esc(i.product) + '">' + esc(nm(i) || i.product) + (L === "en" ? ": " : "：") + figSpan(i.intensity) + " " +
            esc(T("ov.per_unit", { unit: i.unit })) + "</li>";
        }).join("") + "</ul>";
      }
      ["p-province", "p-q", "p-min"].forEach(function (id) { $(id).addEventListener("input", draw); });
      $("p-filter").addEventListener("submit", function (ev) { ev.preventDefault(); });
      draw();
      ready();
    }).catch(showError);
  }

  function comingPage() { ready(); }

  var PAGES = { home: homePage, overview: overviewPage, emissions: emissionsPage, energy: energyPage, meters: meterPage,
    inventory: inventoryPage, quality: qualityPage, reports: reportsPage, portfolio: portfolioPage, renewables: comingPage,
    efficiency: comingPage };
  window.zcDashboard = { state: state, openTrace: openTrace, cfg: cfg, api: api, T: T, esc: esc, nm: nm, disp: disp,
    figSpan: figSpan, plot: plot, ready: ready, showError: showError, withParams: withParams, factoryPath: factoryPath,
    download: download, watchProgress: watchProgress, colours: COLOURS, onRerender: function (fn) { rerenderHook = fn; } };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot); else boot();
})();
