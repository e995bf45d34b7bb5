// The household's ledger as a small line chart: per-capita income against the warning line.
(function () {
  "use strict";
  document.querySelectorAll(".ledger-chart[data-chart]").forEach(function (el) {
    if (typeof echarts === "undefined") { return; }
    var data = JSON.parse(el.getAttribute("data-chart"));
    var series = [
      { name: data.labels.per_capita, type: "line", data: data.per_capita, smooth: true },
      { name: data.labels.expense, type: "bar", data: data.expense, yAxisIndex: 0 }
    ];
    if (data.warning_line !== null) {
      series[0].markLine = { symbol: "none", data: [{ yAxis: data.warning_line, name: data.labels.line }],
        label: { formatter: data.labels.line + " {c}" } };
    }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 50, right: 10, top: 30, bottom: 25 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value" },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
