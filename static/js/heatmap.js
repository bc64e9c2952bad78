// The compliance heat map: organisation × month, one colour per verdict (ECharts, served
// locally). A click on a cell loads its explanation (which rule, which meetings, who came)
// into the panel beside the table. No inline script: CSP forbids it.
(function () {
  "use strict";

  function draw(el) {
    if (typeof echarts === "undefined") return;
    fetch(el.getAttribute("data-heatmap-src"), { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((data) => {
        el.style.height = Math.max(200, 60 + 22 * data.organisations.length) + "px";
        const chart = echarts.init(el, null, { renderer: "canvas" });
        chart.setOption({
          tooltip: {
            renderMode: "richText",
            formatter: (p) => data.organisations[p.value[1]] + " " + data.months[p.value[0]] + ": " + data.verdicts[p.value[2]].label,
          },
          grid: { left: 180, right: 20, top: 10, bottom: 60 },
          xAxis: { type: "category", data: data.months },
          yAxis: { type: "category", data: data.organisations, inverse: true, axisLabel: { width: 170, overflow: "truncate" } },
          visualMap: {
            type: "piecewise",
            orient: "horizontal",
            bottom: 0,
            left: "center",
            pieces: data.verdicts.map((v, i) => ({ value: i, label: v.label, color: v.colour })),
          },
          series: [{ type: "heatmap", data: data.cells.map((c) => [c[0], c[1], c[2]]), itemStyle: { borderColor: "#fff", borderWidth: 1 } }],
        });
        chart.on("click", (p) => {
          const cell = data.cells[p.dataIndex];
          const target = document.getElementById(el.getAttribute("data-explain-target"));
          if (!cell || !target) return;
          fetch(data.explain + "?organisation=" + cell[3] + "&month=" + cell[4], { credentials: "same-origin" })
            .then((r) => r.text())
            .then((html) => { target.innerHTML = html; });
        });
        el.setAttribute("data-chart-ready", "1");
        window.addEventListener("resize", () => chart.resize());
      })
      .catch(() => { el.textContent = ""; });
  }

  function start() {
    document.querySelectorAll("[data-heatmap-src]").forEach(draw);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
