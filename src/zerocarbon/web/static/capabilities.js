/* zerocarbon dashboard: the pages of the later capabilities — 零碳评价 verdict, 告警与预算 alerts and budgets,
   源头减碳 planning, 产品碳足迹 footprints, 区域评价 the regional view. Registered in window.zcPages; dashboard.js
   calls the page's function after sign-in, its helpers in window.zcDashboard. Figures arrive rounded from the
   server ({value, display}) or as labelled text in both languages; nothing here computes a figure. */
(function () {
  "use strict";
  var OTHER_ZH = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+(?:[0-9.\s]*[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+)*/g;
  var OTHER_EN = /[A-Za-z][A-Za-z0-9'’\-]*(?:[ ,.:;/()&\-]+[A-Za-z0-9][A-Za-z0-9'’\-]*)+/g;
  var ALERT_ROLES = ["admin", "factory_manager"];
  var Z = null;

  function $(id) { return document.getElementById(id); }
  function en() { return Z.cfg.lang === "en"; }
  function pick(o) { return o ? (en() ? (o.en || o.zh || "") : (o.zh || o.en || "")) : ""; }
  function T(k, v) { return Z.T(k, v); }
  function esc(s) { return Z.esc(s); }
  function disp(f) { return Z.disp(f); }
  /* Text quoted as written (a document's title, a factory's own words): each run of the other language marked
     with its lang, so the page still speaks one language. */
  function quoted(text) {
    text = String(text === null || text === undefined ? "" : text);
    var re = en() ? OTHER_ZH : OTHER_EN, lang = en() ? "zh" : "en", out = "", last = 0, m;
    re.lastIndex = 0;
    while ((m = re.exec(text))) {
      out += esc(text.slice(last, m.index)) + '<span lang="' + lang + '">' + esc(m[0]) + "</span>";
      last = m.index + m[0].length;
    }
    return out + esc(text.slice(last));
  }
  function th(keys) { return "<tr>" + keys.map(function (k) { return "<th>" + esc(T(k)) + "</th>"; }).join("") + "</tr>"; }
  function emptyRow(cols, key) { return '<tr><td colspan="' + cols + '" class="muted">' + esc(T(key)) + "</td></tr>"; }
  function statusBadge(status, label) { return '<span class="badge st-' + esc(status) + '">' + esc(pick(label)) + "</span>"; }
  function factoryBase() { return "/api/v1/factories/" + encodeURIComponent(Z.cfg.factory); }
  function track(request) { Z.watchProgress(request); return request; }

  // ---------------------------------------------------------------------------------------- verdict
  function gauge(g, met) {
    if (!g) return "";
    var top = Math.max(Math.abs(g.value), Math.abs(g.threshold)) * 1.15 || 1;
    return '<span class="gauge" aria-hidden="true"><span class="gauge-bar' + (met ? " ok" : "") + '" style="width:' +
      Math.max(0, Math.min(100, 100 * g.value / top)).toFixed(1) + '%"></span><span class="gauge-mark" style="left:' +
      Math.max(0, Math.min(100, 100 * g.threshold / top)).toFixed(1) + '%"></span></span>';
  }
  function verdictPage() {
    track(Z.api(factoryBase() + "/verdict/" + Z.state.year)).then(function (d) {
      var files = Object.keys(d.files).filter(function (k) { return d.files[k]; }).map(function (k) { return d.files[k]; });
      $("v-files").innerHTML = files.length ? esc(T("cap.file_used", { files: files.join(en() ? ", " : "、") })) : esc(T("cap.no_files"));
      var kpi = function (label, value, cls, testid) {
        return '<div class="kpi"' + (testid ? ' data-testid="' + testid + '"' : "") + '><span class="kpi-label">' + label +
          '</span><span class="kpi-row"><span class="kpi-value ' + (cls || "") + '">' + value + "</span></span></div>";
      };
      $("v-levels").innerHTML = d.levels.map(function (lv) {
        return kpi(esc(pick(lv.name)), esc(pick(lv.status_label)), "st-" + lv.status, "v-level-" + lv.id);
      }).join("") + kpi(esc(T("v.centre_count")), esc(T("v.centre_of", d.centre_count)), "", "v-centre-count");
      $("v-set").innerHTML = quoted(pick(d.set.name)) + " · " + esc(T("v.confidence")) + ": " + esc(pick(d.set.confidence_label));
      $("v-caveat").textContent = pick(d.caveat);
      $("v-criteria").innerHTML = th(["v.criterion", "v.level", "v.value", "v.requirement", "v.against", "v.result", "v.basis", "v.source"]) +
        d.criteria.map(function (c) {
          var src = c.source.url ? '<a href="' + esc(c.source.url) + '" rel="noopener" target="_blank">' + quoted(pick(c.source)) + "</a>" : quoted(pick(c.source));
          return '<tr data-testid="v-crit-' + esc(c.id) + '"><td>' + esc(pick(c.label)) + ' <span class="muted small">' + esc(c.id) + "</span></td><td>" +
            esc(pick(c.level_name)) + '</td><td class="num">' + esc(pick(c.value)) + '</td><td class="num nowrap">' + esc(pick(c.requirement)) +
            "</td><td>" + gauge(c.gauge, c.status === "met") + "</td><td>" + statusBadge(c.status, c.status_label) +
            (c.status === "not_assessable" ? '<br><span class="muted small">' + quoted(pick(c.reason)) + "</span>" : "") + "</td><td>" +
            quoted(pick(c.basis)) + '</td><td class="small">' + src + " (" + esc(pick(c.confidence_label)) + ")</td></tr>";
        }).join("");
      $("v-gaps").innerHTML = d.gaps.length ? d.gaps.map(function (g) {
        return '<li data-testid="v-gap">' + statusBadge(g.status, g.status_label) + " " + g.criteria.map(function (c) {
          return "<strong>" + esc(pick(c.label)) + "</strong> " + esc(pick(c.value)) + " / " + esc(pick(c.requirement));
        }).join(en() ? "; " : "；") + (g.effort_tco2 ? ' <span class="muted">' + esc(T("v.effort", { t: disp(g.effort_tco2) })) + "</span>" : "") +
          (g.closers.length ? '<ul class="plain">' + g.closers.map(function (k) { return "<li>" + esc(T("v.closes")) + (en() ? ": " : "：") + quoted(pick(k)) + "</li>"; }).join("") + "</ul>" :
            '<div class="muted small">' + quoted(pick(g.criteria[0].reason)) + "</div>") + "</li>";
      }).join("") : "<li>" + esc(T("v.no_gaps")) + "</li>";
      $("v-centre").innerHTML = "<tr><th>#</th><th>" + esc(T("v.function")) + "</th><th>" + esc(T("v.result")) + "</th><th>" + esc(T("v.evidence")) + "</th></tr>" +
        d.centre.map(function (c) {
          return '<tr data-testid="v-fn-' + c.id + '"><td class="num">' + c.id + "</td><td>" + esc(pick(c.name)) + "</td><td>" + statusBadge(c.status, c.status_label) +
            "</td><td>" + quoted(pick(c.evidence)) + "</td></tr>";
        }).join("");
      $("v-companions").innerHTML = th(["v.set", "v.result"]) + (d.companions.length ? d.companions.map(function (s) {
        return "<tr><td>" + quoted(pick(s.name)) + "</td><td>" + s.levels.map(function (lv) { return esc(pick(lv.name)) + (en() ? ": " : "：") + statusBadge(lv.status, lv.status_label); }).join("<br>") + "</td></tr>";
      }).join("") : emptyRow(2, "cap.none"));
      $("v-trend").innerHTML = th(["v.year", "v.result"]) + d.trend.map(function (y) {
        return '<tr><td class="num">' + y.year + "</td><td>" + y.levels.map(function (lv) { return esc(pick(lv.name)) + (en() ? ": " : "：") + statusBadge(lv.status, lv.status_label); }).join(" · ") + "</td></tr>";
      }).join("");
      $("v-notes").innerHTML = d.notes.map(function (n) { return "<li>" + quoted(pick(n)) + "</li>"; }).join("");
      Z.ready();
    }).catch(Z.showError);
  }

  // ----------------------------------------------------------------------------- alerts and budgets
  function budgetsPanel() {
    return Z.api(factoryBase() + "/budgets").then(function (d) {
      $("b-table").innerHTML = th(["al.period", "al.centre", "al.budget", "al.actual", "al.forecast", "al.projected", "al.p_over", "al.range", "al.as_of"]) +
        (d.budgets.length ? d.budgets.map(function (b) {
          var q = b.quantiles ? disp(b.quantiles.p10) + " – " + disp(b.quantiles.p90) : "—";
          return '<tr data-testid="b-row-' + b.id + '"><td>' + esc(b.period) + "</td><td>" + (b.cost_centre ? esc(b.cost_centre) : esc(T("al.whole"))) +
            '</td><td class="num">' + Z.figSpan(b.budget) + '</td><td class="num">' + Z.figSpan(b.actual) + '</td><td class="num">' + Z.figSpan(b.forecast_remaining) +
            '</td><td class="num">' + Z.figSpan(b.projected) + ' <span class="badge ' + (b.over ? "st-not_met" : "st-met") + '">' + esc(T(b.over ? "al.over" : "al.within")) +
            '</span></td><td class="num" data-testid="b-p-' + b.id + '">' + (b.p_overshoot ? Z.figSpan(b.p_overshoot) : "—") + '</td><td class="num">' + esc(q) +
            "</td><td>" + esc(b.as_of) + "</td></tr>";
        }).join("") : emptyRow(9, "al.no_budgets"));
      var errors = d.budgets.length ? d.budgets[0].errors_used : 0;
      $("b-method").textContent = d.budgets.length ? T("al.method", { window: d.method.window, block: d.method.block, draws: d.method.draws, errors: errors }) : "";
    });
  }
  function alertsPage() {
    var may = Z.state.me && ALERT_ROLES.indexOf(Z.state.me.role) >= 0;
    var filter = "", selected = null, data = null;
    $("al-readonly").hidden = !!may;
    function load() {
      return Z.api(factoryBase() + "/alerts" + (filter ? "?status=" + filter : "")).then(function (d) { data = d; draw(); });
    }
    function draw() {
      var total = data.counts.open + data.counts.acknowledged + data.counts.closed;
      $("al-tabs").innerHTML = [["", T("al.all") + " " + total]].concat(["open", "acknowledged", "closed"].map(function (s) {
        return [s, T("al.status." + s) + " " + data.counts[s]];
      })).map(function (x) {
        return '<button type="button" class="tab' + (x[0] === filter ? " active" : "") + '" data-status="' + x[0] + '" data-testid="al-tab-' + (x[0] || "all") + '">' + esc(x[1]) + "</button>";
      }).join("");
      $("al-tabs").querySelectorAll(".tab").forEach(function (b) {
        b.addEventListener("click", function () { filter = b.dataset.status; load().catch(Z.showError); });
      });
      $("al-table").innerHTML = th(["al.id", "al.meter", "al.kind", "al.severity", "al.time", "al.waste", "al.tco2", "al.status"]) +
        (data.alerts.length ? data.alerts.map(function (a) {
          return '<tr class="clickable' + (selected === a.id ? " selected" : "") + '" data-id="' + a.id + '" data-testid="al-row-' + a.id + '"><td class="num">' + a.id + "</td><td>" + esc(a.meter) +
            "</td><td>" + esc(pick(a.kind_label)) + "</td><td>" + esc(pick(a.severity_label)) + '</td><td class="nowrap">' + esc(a.start) + " – " + esc(a.end) +
            '</td><td class="num">' + esc(disp(a.waste)) + " " + esc(a.unit) + '</td><td class="num">' + esc(disp(a.tco2)) + "</td><td>" +
            statusBadge(a.status, a.status_label) + "</td></tr>";
        }).join("") : emptyRow(8, "al.none"));
      $("al-table").querySelectorAll("tr[data-id]").forEach(function (tr) {
        tr.addEventListener("click", function () { show(parseInt(tr.dataset.id, 10)); });
      });
      var keep = data.alerts.filter(function (a) { return a.id === selected; })[0] || data.alerts[0];
      if (keep) show(keep.id); else $("al-detail").hidden = true;
    }
    function show(id) {
      var a = data.alerts.filter(function (x) { return x.id === id; })[0];
      if (!a) return;
      selected = id;
      $("al-table").querySelectorAll("tr[data-id]").forEach(function (tr) { tr.classList.toggle("selected", parseInt(tr.dataset.id, 10) === id); });
      $("al-detail").hidden = false;
      $("al-detail-title").textContent = "#" + a.id + " · " + a.meter + " · " + pick(a.kind_label);
      $("al-message").innerHTML = quoted(pick(a.message));
      var facts = [[T("al.time"), a.start + " – " + a.end], [T("al.waste"), disp(a.waste) + " " + a.unit], [T("al.tco2"), disp(a.tco2)],
        [T("al.money"), a.money.display === null ? "—" : disp(a.money) + " " + a.currency], [T("al.factor"), a.factor_source || "—"],
        [T("al.status"), pick(a.status_label)]];
      if (a.acknowledged_by) facts.push([T("al.status.acknowledged"), T("al.ack_by", { who: a.acknowledged_by, at: a.acknowledged_at })]);
      if (a.closed_by) facts.push([T("al.status.closed"), T("al.closed_by", { who: a.closed_by, at: a.closed_at })]);
      if (a.note) facts.push([T("al.note"), a.note]);
      $("al-facts").innerHTML = facts.map(function (f) { return "<dt>" + esc(f[0]) + "</dt><dd>" + quoted(f[1]) + "</dd>"; }).join("");
      $("al-form").hidden = !may || a.status === "closed";
      $("al-ack").hidden = a.status !== "open";
      $("al-error").hidden = true;
      var c = a.curve, C = Z.colours;
      var draw = function () {
        Z.plot("al-chart", [
          { x: c.time, y: c.upper, mode: "lines", line: { width: 0 }, showlegend: false, hoverinfo: "skip" },
          { x: c.time, y: c.lower, mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: "rgba(58,110,165,0.18)", name: T("al.band") },
          { x: c.time, y: c.expected, mode: "lines", line: { dash: "dash", color: C[2] }, name: T("al.expected") },
          { x: c.time, y: c.observed, mode: "lines+markers", line: { color: C[3] }, marker: { size: 4 }, name: T("al.observed") }],
          { xaxis: { type: "date", tickformat: "%m-%d %H:%M", hoverformat: "%Y-%m-%d %H:%M", gridcolor: "#e4e4e4" },
            yaxis: { title: { text: a.unit + "/h" }, gridcolor: "#e4e4e4" } });
      };
      draw();
      Z.onRerender(draw);
    }
    function change(status) {
      var body = JSON.stringify({ status: status, note: $("al-note").value });
      $("al-ack").disabled = $("al-close").disabled = true;
      fetch(factoryBase() + "/alerts/" + selected, { method: "POST", body: body, headers: {
        "Content-Type": "application/json", Authorization: "Bearer " + sessionStorage.getItem("zc.token"),
        "Accept-Language": en() ? "en" : "zh-CN" } }).then(function (r) {
        return r.json().then(function (b) { if (!r.ok) throw b; return b; });
      }).then(function () { $("al-note").value = ""; return load(); }).catch(function (b) {
        var e = b && b.error ? b.error : {};
        $("al-error").textContent = (en() ? e.message_en : e.message_zh) || e.message || String(b);
        $("al-error").hidden = false;
      }).then(function () { $("al-ack").disabled = $("al-close").disabled = false; });
    }
    $("al-ack").addEventListener("click", function () { change("acknowledged"); });
    $("al-close").addEventListener("click", function () { change("closed"); });
    Promise.all([budgetsPanel(), load()]).then(Z.ready).catch(Z.showError);
  }

  // --------------------------------------------------------------------------------------- planning
  function planningPage() {
    track(Z.api(factoryBase() + "/planning/" + Z.state.year)).then(function (d) {
      if (!d.available) {
        $("pl-missing").textContent = T("pl.missing", { file: d.expected_file });
        $("pl-missing").hidden = false;
        Z.ready();
        return;
      }
      $("pl-body").hidden = false;
      var notes = [T("cap.file_used", { files: [d.files.planning, d.files.equipment].filter(Boolean).join(en() ? ", " : "、") })];
      if (d.illustrative) notes.push(T("pl.illustrative"));
      if (d.weather_synthetic) notes.push(T("pl.synthetic_weather"));
      $("pl-notes").textContent = notes.join(" ");
      var kpi = function (label, f, unit) {
        return '<div class="kpi"><span class="kpi-label">' + esc(label) + '</span><span class="kpi-row">' + Z.figSpan(f, "", "kpi-value") +
          '<span class="kpi-unit">' + esc(unit) + "</span></span></div>";
      };
      $("pl-kpis").innerHTML = kpi(T("pl.baseline") + " " + d.year, d.baseline_t, "tCO2") + kpi(T("pl.residual") + " " + d.target_year, d.residual_t, "tCO2") +
        kpi(T("pl.yield"), d.pv_yield, "kWh/kWp") + kpi(T("pl.discount"), d.discount_rate_pct, "%");
      $("pl-steps").innerHTML = th(["pl.measure", "pl.year", "pl.abatement", "pl.capex", "pl.annual_cost", "pl.mac_col"]) + (d.steps.length ? d.steps.map(function (s) {
        return '<tr data-testid="pl-step-' + esc(s.id) + '"><td>' + esc(pick(s.title)) + '</td><td class="num">' + s.year + '</td><td class="num">' + Z.figSpan(s.abatement_t) +
          '</td><td class="num">' + Z.figSpan(s.capex) + '</td><td class="num">' + Z.figSpan(s.annual_cost) + '</td><td class="num">' + Z.figSpan(s.mac) + "</td></tr>";
      }).join("") : emptyRow(6, "cap.none"));
      $("pl-not-assessed").innerHTML = d.not_assessed.length ? d.not_assessed.map(function (m) {
        return "<li><strong>" + esc(pick(m.title)) + "</strong>" + (en() ? ": " : "：") + quoted(pick(m.reason)) + "</li>";
      }).join("") : "<li>" + esc(T("cap.none")) + "</li>";
      var sz = d.sizing;
      $("pl-sizing").innerHTML = "<p>" + esc(T("pl.sizing." + sz.status)) + (sz.status === "infeasible" ? " " + quoted(pick(sz.message)) : "") + "</p>" +
        (sz.status === "optimal" ? '<table class="figures">' + Object.keys(sz.capacities).map(function (k) {
          return "<tr><th>" + esc(T("pl." + k)) + '</th><td class="num">' + Z.figSpan(sz.capacities[k]) + "</td></tr>";
        }).join("") + "<tr><th>" + esc(T("pl.capacity_cost")) + '</th><td class="num">' + Z.figSpan(sz.annual_cost) + "</td></tr>" +
          ["intensity_target", "energy_tce", "intensity"].filter(function (k) { return sz[k] && sz[k].display !== null; }).map(function (k) {
            return "<tr><th>" + esc(T("pl." + k)) + '</th><td class="num">' + Z.figSpan(sz[k]) + "</td></tr>";
          }).join("") + "</table>" : "") +
        (sz.energy_basis ? '<p class="small" data-testid="pl-energy-basis">' + esc(T("pl.energy_basis")) + " " + esc(sz.energy_basis) + "</p>" : "") +
        (sz.intensity_scope ? '<p class="small" data-testid="pl-intensity-scope">' + esc(pick(sz.intensity_scope)) + "</p>" : "");
      Z.ready();
      var C = Z.colours;
      var draw = function () {
        var steps = d.steps.filter(function (s) { return s.mac_value !== null; });
        // one outlier (a measure of tiny abatement) would flatten every other bar: the axis stops at 1.3 × the
        // second highest, and the outlier's bar runs off the top (its value stays in the table and the hover)
        var macs = steps.map(function (s) { return s.mac_value; }).sort(function (a, b) { return b - a; });
        var yrange = macs.length > 2 && macs[0] > 10 * Math.max(Math.abs(macs[1]), 1) ?
          [Math.min(0, macs[macs.length - 1]) * 1.15, Math.max(Math.abs(macs[1]), 1) * 1.3] : null;
        Z.plot("pl-mac", [{ type: "bar", x: steps.map(function (s) { return (s.from_t + s.to_t) / 2; }), width: steps.map(function (s) { return s.to_t - s.from_t; }),
          y: steps.map(function (s) { return s.mac_value; }), text: steps.map(function (s) { return pick(s.title); }), textposition: "none",
          marker: { color: steps.map(function (s) { return s.mac_value < 0 ? C[0] : C[1]; }), line: { color: "white", width: 1 } },
          hovertemplate: "%{text}: %{y:,.1f}<extra></extra>" }],
          { showlegend: false, xaxis: { title: { text: "tCO2/a" }, gridcolor: "#e4e4e4" }, yaxis: { title: { text: en() ? "CNY/tCO2" : "元/tCO2" }, gridcolor: "#e4e4e4", range: yrange || undefined } });
        Z.plot("pl-roadmap", [{ type: "bar", x: d.roadmap.map(function (r) { return String(r.year); }), y: d.roadmap.map(function (r) { return r.residual_value; }),
          text: d.roadmap.map(function (r) { return disp(r.residual_t); }), textposition: "none", marker: { color: C[2] }, name: T("pl.residual_label"),
          hovertemplate: "%{x}: %{text} tCO2<extra></extra>" }],
          { showlegend: false, xaxis: { type: "category" }, yaxis: { title: { text: "tCO2" }, gridcolor: "#e4e4e4" } });
      };
      draw();
      Z.onRerender(draw);
    }).catch(Z.showError);
  }

  // ------------------------------------------------------------------------------------- footprints
  function footprintTable(rows, none) {
    return th(["fp.product", "fp.ids", "fp.pcf", "fp.status", "fp.period", "fp.created", "fp.primary"]) + (rows.length ? rows.map(function (f) {
      var unit = f.unit_label ? pick(f.unit_label) : f.declared_unit;
      return '<tr data-testid="fp-row-' + esc(f.id) + '"><td>' + quoted(f.product) + '<br><span class="muted small">' + quoted(f.company) + "</span></td><td class=\"small\">" +
        f.product_ids.map(esc).join("<br>") + '</td><td class="num">' + Z.figSpan(f.pcf) + ' <span class="muted small">' +
        (f.unit_label ? esc(T("fp.per", { amount: disp(f.declared_amount), unit: unit })) : quoted(T("fp.per", { amount: disp(f.declared_amount), unit: unit }))) +
        "</span></td><td>" + statusBadge(f.status === "Active" ? "met" : "not_assessable", f.status_label) + '</td><td class="nowrap">' + esc(f.period[0]) + " – " + esc(f.period[1]) +
        "</td><td>" + esc(f.created) + '</td><td class="num">' + esc(disp(f.primary_data_share)) + "</td></tr>";
    }).join("") : emptyRow(7, none));
  }
  // battery declarations: a bar per life-cycle stage [kgCO2e/kWh] (inline SVG), the figures, the status
  function stageChart(stages, testid) {
    var max = Math.max.apply(null, stages.map(function (s) { return s.value; }).concat([1e-12]));
    var longest = Math.max.apply(null, stages.map(function (s) { return pick(s.label).length; }));
    var row = 26, label = Math.min(340, Math.max(110, Math.round(longest * (en() ? 6.8 : 12.5)) + 12)), bar = 280, width = label + bar + 70;
    return '<svg class="fpd-chart" data-testid="' + esc(testid) + '" role="img" aria-label="' + esc(T("fpd.chart")) + '" viewBox="0 0 ' + width + " " + (stages.length * row + 6) +
      '" width="100%" style="max-width:' + width + 'px">' + stages.map(function (s, i) {
        var w = Math.max(0, s.value) / max * bar, y = i * row + 4;
        return '<text x="0" y="' + (y + 15) + '" font-size="12">' + esc(pick(s.label)) + '</text><rect x="' + label + '" y="' + y + '" width="' + w.toFixed(1) +
          '" height="18" fill="#2f7d5b"></rect><text x="' + (label + w + 6).toFixed(1) + '" y="' + (y + 14) + '" font-size="12">' + esc(disp(s.kgco2e_per_kwh)) + "</text>";
      }).join("") + "</svg>";
  }
  function stageTable(stages, total) {
    return '<table class="data" style="width:auto;min-width:26em">' + th(["fpd.stage", "fpd.per_kwh"]) + stages.map(function (s) {
      return "<tr><td>" + esc(pick(s.label)) + '</td><td class="num">' + Z.figSpan(s.kgco2e_per_kwh) + "</td></tr>";
    }).join("") + '<tr class="total"><th>' + esc(T("fpd.total")) + '</th><td class="num"><strong>' + Z.figSpan(total) + "</strong></td></tr></table>";
  }
  function downloads(p, scheme, links) {
    return '<p class="fpd-downloads">' + esc(T("fpd.download")) + (en() ? ": " : "：") + Object.keys(links).map(function (fmt) {
      return '<button type="button" class="btn small" data-url="' + esc(links[fmt].replace(/^\/api\/v1/, "") + (fmt === "json" ? "" : "?lang=" + Z.cfg.lang)) +
        '" data-name="' + esc(p.id + "-" + scheme + "." + fmt) + '" data-testid="fpd-dl-' + esc(p.id) + "-" + scheme + "-" + fmt + '">' + fmt.toUpperCase() + "</button>";
    }).join(" ") + "</p>";
  }
  function listOf(items) { return '<ul class="small muted">' + items.map(function (x) { return "<li>" + quoted(typeof x === "string" ? x : pick(x)) + "</li>"; }).join("") + "</ul>"; }
  function declarationBlock(p) {
    var html = '<h3 data-testid="fpd-product-' + esc(p.id) + '">' + quoted(pick(p.name)) + ' <span class="muted small">' + esc(p.id) + "</span></h3>";
    if (p.cn) {
      html += '<div class="fpd-scheme" data-testid="fpd-cn-' + esc(p.id) + '"><h4>' + esc(T("fpd.cn")) + "</h4>" + stageChart(p.cn.stages, "fpd-chart-cn-" + p.id) +
        stageTable(p.cn.stages, p.cn.total) + '<p class="small">' + esc(T("fpd.phase", { phase: T("fpd.phase." + p.cn.phase) })) + "<br>" +
        quoted(T("fpd.energy", { kwh: disp(p.cn.lifetime_energy_kwh), basis: p.cn.lifetime_energy_basis })) + "</p>" +
        "<details><summary>" + esc(T("fpd.unpublished")) + "</summary>" + listOf(p.cn.unknowns) + "</details>" + downloads(p, "cn", p.cn.downloads) + "</div>";
    }
    if (p.eu) {
      var miss = p.eu.missing.map(function (k) { return T("fpd.missing." + k); }).join(en() ? "; " : "；");
      html += '<div class="fpd-scheme" data-testid="fpd-eu-' + esc(p.id) + '"><h4>' + esc(T("fpd.eu")) + "</h4>" +
        '<p class="banner warn" data-testid="fpd-eu-draft-' + esc(p.id) + '">' + quoted(pick(p.eu.methodology)) + "</p>" +
        (p.eu.complete ? '<p class="small">' + esc(T("fpd.complete")) + "</p>" :
          '<p class="banner warn" data-testid="fpd-eu-incomplete-' + esc(p.id) + '">' + esc(T("fpd.incomplete", { missing: miss })) + "</p>") +
        (p.eu.warnings.length ? '<ul class="fpd-warnings" data-testid="fpd-eu-warnings-' + esc(p.id) + '">' + p.eu.warnings.map(function (w) { return "<li>" + quoted(pick(w)) + "</li>"; }).join("") + "</ul>" : "") +
        stageChart(p.eu.stages, "fpd-chart-eu-" + p.id) + stageTable(p.eu.stages, p.eu.total) +
        '<p class="small">' + esc(T("fpd.energy_label")) + (en() ? ": " : "：") + quoted(pick(p.eu.total_energy_basis)) + "</p>" +
        "<details><summary>" + esc(T("fpd.unknowns")) + "</summary>" + listOf(p.eu.unknowns) + "</details>" + downloads(p, "eu", p.eu.downloads) + "</div>";
    }
    return html;
  }
  function declarationsPanel() {
    return Z.api(factoryBase() + "/footprints/declarations").then(function (d) {
      var body = $("fp-decl-body");
      if (!d.available) { body.innerHTML = '<p class="muted" data-testid="fpd-none">' + quoted(T("fpd.none", { file: d.expected_file })) + "</p>"; return; }
      body.innerHTML = '<p class="small muted">' + quoted(T("fpd.study", { study: d.study, year: d.year, file: d.file })) + "</p>" +
        (d.synthetic ? '<p class="banner warn">' + esc(T("fpd.synthetic")) + "</p>" : "") + d.products.map(declarationBlock).join("");
      body.querySelectorAll("button[data-url]").forEach(function (b) {
        b.addEventListener("click", function () { Z.download("/api/v1" + b.dataset.url, b.dataset.name, b); });
      });
    });
  }
  function footprintsPage() {
    Promise.all([Z.api(factoryBase() + "/footprints").then(function (d) {
      $("fp-published").innerHTML = footprintTable(d.published, "fp.none");
      $("fp-suppliers").innerHTML = footprintTable(d.suppliers, "fp.none_suppliers");
    }), declarationsPanel()]).then(function () { Z.ready(); }).catch(Z.showError);
  }

  // ----------------------------------------------------------------------------------------- region
  function regionPage() {
    var year = Z.state.year;
    if (!year) { Z.showError(new Error(T("cap.none"))); return; }
    var base = "/api/v1/region/" + year;
    var done = false;
    function poll() {
      if (done) return;
      Z.api(base + "/progress").then(function (p) {
        if (done) return;
        if (p.busy) $("loading").textContent = T("rg.running", { done: p.done, total: p.total, elapsed: Math.round(p.elapsed_s) });
        setTimeout(poll, 1000);
      }, function () { setTimeout(poll, 2000); });
    }
    setTimeout(poll, 600);
    Z.api(base).then(function (d) {
      done = true;
      var provinces = [];
      d.rows.forEach(function (r) { if (!provinces.some(function (p) { return p.code === r.province; })) provinces.push({ code: r.province, label: pick(r.province_label) }); });
      $("rg-province").innerHTML = '<option value="">' + esc(T("p.all")) + "</option>" + provinces.map(function (p) {
        return '<option value="' + esc(p.code) + '">' + esc(p.label || p.code) + "</option>";
      }).join("");
      $("rg-set").innerHTML = quoted(T("rg.set", { name: pick(d.set_name) }));
      $("rg-note").innerHTML = quoted(pick(d.tier_note));
      // the region engine's batch evaluation (ZEROCARBON_REGION_PORTFOLIO_DIR) says so; the live view has no source
      $("rg-source").textContent = d.source ? pick(d.source.label) : "";
      function draw() {
        var prov = $("rg-province").value;
        var rows = d.rows.filter(function (r) { return !prov || r.province === prov; });
        var n = { target: 0, basic: 0, none: 0 };
        rows.forEach(function (r) { if (r.tier) n[r.tier] += 1; });
        $("rg-count").textContent = T("rg.count", { n: rows.length, target: n.target, basic: n.basic, none: n.none });
        $("rg-table").innerHTML = "<tr><th>" + [T("p.factory"), T("p.province"), T("rg.industry"), T("rg.tier")].concat(d.levels.map(function (lv) { return pick(lv.name); }))
          .concat([T("p.total")]).concat(d.indicators.map(function (i) { return pick(i.label); })).concat([T("rg.rank"), T("rg.gaps")]).map(esc).join("</th><th>") + "</th></tr>" +
          rows.map(function (r) {
            var link = Z.withParams(Z.factoryPath(r.id, "verdict"), { year: year });
            var name = '<a href="' + esc(link) + '">' + quoted(en() ? r.name_en : r.name_zh) + '</a><br><span class="muted small">' + esc(r.id) + "</span>";
            if (r.error) return '<tr class="row-error" data-testid="rg-row-' + esc(r.id) + '"><td>' + name + "</td><td>" + esc(pick(r.province_label)) + '</td><td colspan="' +
              (7 + d.levels.length + d.indicators.length) + '"><span class="badge error">' + esc(T("p.error")) + "</span> " + quoted(pick(r.error)) + "</td></tr>";
            return '<tr data-testid="rg-row-' + esc(r.id) + '"><td>' + name + "</td><td>" + esc(pick(r.province_label)) + "</td><td>" + quoted(r.industry) +
              '</td><td data-testid="rg-tier-' + esc(r.id) + '">' + esc(pick(r.tier_label)) + "</td>" + d.levels.map(function (lv) {
                return "<td>" + statusBadge(r.levels[lv.id], r.level_labels[lv.id]) + "</td>";
              }).join("") + '<td class="num">' + Z.figSpan(r.total) + "</td>" + d.indicators.map(function (i) {
                return '<td class="num">' + esc(pick(r.indicator_display[i.key])) + "</td>";
              }).join("") + '<td class="num">' + r.rank_in_industry + " / " + r.industry_size + '</td><td class="small">' +
              r.gap_labels.map(function (g) { return esc(pick(g)); }).join(en() ? "; " : "；") + "</td></tr>";
          }).join("");
      }
      $("rg-province").addEventListener("input", draw);
      $("rg-filter").addEventListener("submit", function (ev) { ev.preventDefault(); });
      $("rg-download").addEventListener("click", function () {
        var prov = $("rg-province").value;
        Z.download(base + "/workbook?lang=" + Z.cfg.lang + (prov ? "&province=" + encodeURIComponent(prov) : ""),
          "zerocarbon-region-" + year + "." + Z.cfg.lang + ".xlsx", $("rg-download"));
      });
      draw();
      Z.ready();
    }).catch(function (e) { done = true; Z.showError(e); });
  }

  function withHelpers(fn) { return function () { Z = window.zcDashboard; return fn(); }; }
  window.zcPages = { verdict: withHelpers(verdictPage), alerts: withHelpers(alertsPage), planning: withHelpers(planningPage),
    footprints: withHelpers(footprintsPage), region: withHelpers(regionPage) };
})();
