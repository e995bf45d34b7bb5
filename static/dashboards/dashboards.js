// Draws the dashboard's charts with ECharts from the figures the page carries as JSON.
// In a file, not inline: the Content Security Policy allows no inline script.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var specs = JSON.parse(source.textContent);
  var charts = [];

  function column(spec, index) {
    return spec.rows.map(function (row) {
      return row[index] === null ? 0 : row[index];
    });
  }

  function optionFor(spec, width) {
    // On a phone (a chart narrower than 576 px) long names would run off the canvas: labels get a
    // width and wrap or end in "…"; the full name is in the tooltip and in the table below.
    var narrow = width < 576;
    var labels = spec.rows.map(function (row) { return String(row[0]); });
    var base = {
      animation: false, // printed and read in meetings: draw once, at once
      // Drawn on the canvas: ECharts' HTML tooltip carries style attributes, which the CSP refuses.
      tooltip: { trigger: spec.kind === "pie" ? "item" : "axis", confine: true, renderMode: "richText" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true }
    };
    if (spec.kind === "pie") {
      var index = spec.series[0];
      base.series = [{
        name: spec.columns[index],
        type: "pie",
        center: ["50%", "45%"],
        radius: narrow ? ["25%", "50%"] : ["35%", "65%"],
        label: {
          formatter: "{b}\n{c}（{d}%）",
          alignTo: "edge",
          edgeDistance: 6,
          minMargin: 4,
          width: narrow ? 84 : 160,
          overflow: "break"
        },
        labelLayout: { hideOverlap: true },
        data: spec.rows.map(function (row) { return { name: String(row[0]), value: row[index] || 0 }; })
      }];
      return base;
    }
    var categoryAxis = {
      type: "category",
      data: labels,
      axisLabel: { interval: 0, hideOverlap: true, width: narrow ? 72 : 140, overflow: "truncate" }
    };
    var valueAxis = { type: "value", minInterval: 1 };
    // On a phone, names that would have to slant stand beside horizontal bars instead: a slanted
    // first name runs past the canvas's left edge, which containLabel does not prevent.
    var horizontal = spec.horizontal || (narrow && labels.length > 3);
    if (horizontal) {
      categoryAxis.inverse = true;
      base.xAxis = valueAxis;
      base.yAxis = categoryAxis;
    } else {
      categoryAxis.axisLabel.rotate = labels.length > (narrow ? 3 : 6) ? 30 : 0;
      base.xAxis = categoryAxis;
      base.yAxis = valueAxis;
    }
    base.series = spec.series.map(function (index) {
      var series = { name: spec.columns[index], type: spec.kind === "line" ? "line" : "bar", data: column(spec, index) };
      if (spec.kind === "stacked") {
        series.stack = "total";
      }
      return series;
    });
    return base;
  }

  document.querySelectorAll(".dash-chart[data-chart]").forEach(function (el) {
    var spec = specs[el.getAttribute("data-chart")];
    if (!spec) {
      return;
    }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(optionFor(spec, el.clientWidth));
    // A bar or slice leads where its row does: the next level of the drill-down, or the list.
    chart.on("click", function (params) {
      var link = spec.links[params.dataIndex];
      if (link) {
        window.location.href = link;
      }
    });
    el.setAttribute("data-rendered", "1");
    charts.push(chart);
  });

  function resizeAll() {
    charts.forEach(function (chart) { chart.resize(); });
  }
  window.addEventListener("resize", resizeAll);
  // The print style sheet gives charts their A4 size; redraw at that size before the page is printed.
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
  document.querySelectorAll(".js-print").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
