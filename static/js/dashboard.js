/* The dashboard's charts (templates/reports/dashboard.html): drawn with ECharts from the JSON in
   #dashboard-data; clicking a bar, segment or point opens the list behind it (the URLs come with
   the data). The charts are kept in window.wcDashboard.charts by name; each chart's element gets
   data-rendered="true" when drawn. */
(function () {
  "use strict";

  var COLORS = ["#2f5597", "#e07b39", "#3a9d5d", "#b22222", "#8e6bb8", "#1f9fb0", "#c9a227", "#6c757d", "#d35d92"];

  function escape(text) {
    return window.echarts.format.encodeHTML(String(text));
  }

  function percent(value) {
    return value === null || value === undefined ? "—" : value + "%";
  }

  function emptyTitle(data, empty) {
    return empty ? {text: data.text.empty, left: "center", top: "middle", textStyle: {color: "#6c757d", fontSize: 13, fontWeight: "normal"}} : undefined;
  }

  function sum(values) {
    return values.reduce(function (a, b) { return a + (b || 0); }, 0);
  }

  // Stacked bars per ISO week; each series carries the URL of its clues for each week.
  function weekBars(data, series) {
    var weeks = data.weeks;
    var empty = !series.length || sum(series.map(function (s) { return sum(s.data); })) === 0;
    return {
      option: {
        color: COLORS,
        title: emptyTitle(data, empty),
        grid: {left: 8, right: 16, top: 48, bottom: 8, containLabel: true},
        legend: {top: 0, type: "scroll"},
        tooltip: {
          trigger: "axis", axisPointer: {type: "shadow"},
          formatter: function (items) {
            if (!items.length) { return ""; }
            var lines = [escape(weeks.labels[items[0].dataIndex] + " · " + weeks.ranges[items[0].dataIndex])];
            items.forEach(function (item) { if (item.value) { lines.push(item.marker + escape(item.seriesName) + ": " + item.value); } });
            lines.push("<span class=\"text-body-secondary\">" + escape(data.text.click) + "</span>");
            return lines.join("<br>");
          }
        },
        xAxis: {type: "category", data: weeks.labels},
        yAxis: {type: "value", minInterval: 1},
        series: series.map(function (s) { return {name: s.name, type: "bar", stack: "clues", data: s.data, barMaxWidth: 28}; })
      },
      url: function (p) { return series[p.seriesIndex] && series[p.seriesIndex].urls[p.dataIndex]; }
    };
  }

  function closure(data) {
    var weeks = data.weeks;
    var empty = sum(weeks.received) === 0;
    return {
      option: {
        color: ["#9db2d4", "#3a9d5d", "#e07b39", "#2f5597"],
        title: emptyTitle(data, empty),
        grid: {left: 8, right: 16, top: 48, bottom: 8, containLabel: true},
        legend: {top: 0, type: "scroll"},
        tooltip: {
          trigger: "axis",
          formatter: function (items) {
            if (!items.length) { return ""; }
            var lines = [escape(weeks.labels[items[0].dataIndex] + " · " + weeks.ranges[items[0].dataIndex])];
            items.forEach(function (item) {
              var value = item.seriesIndex >= 2 ? percent(item.value) : item.value;
              lines.push(item.marker + escape(item.seriesName) + ": " + value);
            });
            return lines.join("<br>");
          }
        },
        xAxis: {type: "category", data: weeks.labels},
        yAxis: [{type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}}, {type: "value", minInterval: 1, splitLine: {show: false}}],
        series: [
          {name: data.text.received, type: "bar", yAxisIndex: 1, data: weeks.received, barMaxWidth: 20},
          {name: data.text.closed, type: "bar", yAxisIndex: 1, data: weeks.closed, barMaxWidth: 20},
          {name: data.text.rate, type: "line", data: weeks.rate, connectNulls: true, symbolSize: 7},
          {name: data.text.cumulative, type: "line", data: weeks.cumulative, connectNulls: true, symbolSize: 7, lineStyle: {type: "dashed"}}
        ]
      },
      url: function (p) { return (p.seriesIndex === 1 ? weeks.closed_urls : weeks.urls)[p.dataIndex]; }
    };
  }

  // Horizontal bars of a share in percent (compliance), clicking opens the projects not in order.
  function shares(data, block) {
    return {
      option: {
        title: emptyTitle(data, !block.labels.length || !block.rates.some(function (r) { return r !== null; })),
        grid: {left: 8, right: 56, top: 8, bottom: 8, containLabel: true},
        tooltip: {
          trigger: "axis", axisPointer: {type: "shadow"},
          formatter: function (items) {
            var i = items[0].dataIndex;
            var total = Array.isArray(block.total) ? block.total[i] : block.total;
            return escape(block.labels[i]) + "<br>" + escape(data.text.share_ok) + ": " + percent(block.rates[i]) +
              " (" + block.ok[i] + " / " + total + " " + escape(data.text.projects) + ")<br><span class=\"text-body-secondary\">" +
              escape(data.text.not_ok) + "</span>";
          }
        },
        xAxis: {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}},
        yAxis: {type: "category", data: block.labels, inverse: true},
        series: [{
          name: data.text.share_ok, type: "bar", data: block.rates, barMaxWidth: 22,
          itemStyle: {color: function (p) { return window.wcRateColor(block.levels[p.dataIndex]); }},
          label: {show: true, position: "right", formatter: function (p) { return percent(p.value); }}
        }]
      },
      url: function (p) { return block.urls[p.dataIndex]; }
    };
  }

  function counties(data) {
    var block = data.counties;
    return {
      option: {
        title: emptyTitle(data, !block.labels.length),
        grid: {left: 8, right: 24, top: 8, bottom: 8, containLabel: true},
        tooltip: {
          trigger: "axis", axisPointer: {type: "shadow"},
          formatter: function (items) {
            var i = items[0].dataIndex;
            return escape(block.labels[i]) + "<br>" + escape(data.text.amount) + ": " + block.amounts[i].toLocaleString() +
              "<br>" + escape(data.text.cases) + ": " + block.cases[i] + "<br><span class=\"text-body-secondary\">" + escape(data.text.click) + "</span>";
          }
        },
        xAxis: {type: "value", axisLabel: {formatter: window.wcCompactNumber}},
        yAxis: {type: "category", data: block.labels, inverse: true},
        series: [{name: data.text.amount, type: "bar", data: block.amounts, barMaxWidth: 22, itemStyle: {color: "#b22222"}}]
      },
      url: function (p) { return block.urls[p.dataIndex]; }
    };
  }

  var BUILDERS = {
    by_channel: function (data) { return weekBars(data, data.weeks.by_channel); },
    by_status: function (data) { return weekBars(data, data.weeks.by_status); },
    closure: closure,
    counties: counties,
    systems: function (data) { return shares(data, data.systems); },
    industries: function (data) { return shares(data, data.industries); }
  };

  // echarts.min.js is loaded with `defer` before this file: draw once the document is ready.
  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("dashboard-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var charts = {};
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var name = element.getAttribute("data-chart");
      var build = BUILDERS[name];
      if (!build) { return; }
      var spec = build(data);
      var chart = window.echarts.init(element);
      // data-rendered="true" once the first drawing (and its animation) is done: tests wait for it.
      chart.on("finished", function () { element.setAttribute("data-rendered", "true"); });
      chart.setOption(spec.option);
      chart.on("click", function (p) {
        var url = spec.url(p);
        if (url) { window.location.href = url; }
      });
      charts[name] = chart;
    });
    window.wcDashboard = {charts: charts, data: data};
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (name) { charts[name].resize(); });
    });
  });
})();
