// Draw the charts of a page: each element with data-chart-src gets its figures as JSON from
// the product and is drawn with ECharts (served locally). No inline script: CSP forbids it.
(function () {
  "use strict";
  const palette = ["#a6192e", "#e0a82e", "#3b6ea5", "#5b8c5a", "#8c6bb1", "#c46a3b"];

  function barOption(data, stacked) {
    const horizontal = stacked;
    const category = { type: "category", data: data.labels, axisLabel: { interval: 0, width: 110, overflow: "truncate" } };
    const value = { type: "value", minInterval: 1 };
    return {
      color: palette,
      title: { text: data.title, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: data.series.length > 1 ? { top: 24 } : undefined,
      grid: { left: horizontal ? 130 : 50, right: 20, top: data.series.length > 1 ? 56 : 40, bottom: horizontal ? 20 : 60 },
      xAxis: horizontal ? value : Object.assign(category, { axisLabel: { rotate: 45 } }),
      yAxis: horizontal ? Object.assign(category, { inverse: true }) : value,
      series: data.series.map((s) => ({ name: s.name, type: "bar", barMaxWidth: 18, data: s.data })),
    };
  }

  function piesOption(data) {
    // Up to four rings in a two-by-two grid, each with its name above it.
    const cells = [["25%", "33%"], ["75%", "33%"], ["25%", "78%"], ["75%", "78%"]];
    return {
      color: palette,
      title: { text: data.title, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "item", renderMode: "richText" },
      series: data.groups.slice(0, 4).map((g, i) => ({
        name: g.name,
        type: "pie",
        radius: ["12%", "20%"],
        center: cells[i],
        label: { formatter: "{b} {c}", fontSize: 10 },
        labelLine: { length: 6, length2: 6 },
        data: g.data,
      })),
      graphic: data.groups.slice(0, 4).map((g, i) => ({
        type: "text",
        left: i % 2 === 0 ? "20%" : "70%",
        top: i < 2 ? "12%" : "57%",
        style: { text: g.name, fontSize: 12, fill: "#555" },
      })),
    };
  }

  function draw(el) {
    if (typeof echarts === "undefined") return;
    fetch(el.getAttribute("data-chart-src"), { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((data) => {
        const chart = echarts.init(el, null, { renderer: "canvas" });
        const option = data.kind === "pies" ? piesOption(data) : barOption(data, data.kind === "bars");
        chart.setOption(option);
        el.setAttribute("data-chart-ready", "1");
        window.addEventListener("resize", () => chart.resize());
      })
      .catch(() => {
        el.textContent = el.getAttribute("data-chart-error") || "";
      });
  }

  function start() {
    document.querySelectorAll("[data-chart-src]").forEach(draw);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
