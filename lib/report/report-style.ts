/** The report page's style sheet (inline in the page: no network). */
export const REPORT_CSS = `
body{font-family:system-ui,sans-serif;font-size:13px;color:#212529;margin:0;padding:12px 16px;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:14px 0 6px}h3{font-size:13px;margin:10px 0 4px}
.note{color:#495057;margin:4px 0}.source{color:#868e96;overflow-wrap:anywhere}
.top{display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start}
.tuner{flex:1 1 520px;border:1px solid #dee2e6;border-radius:4px;padding:6px 10px}
.hist-box{flex:0 0 360px}
.sliders{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:2px 14px}
.knob{display:grid;grid-template-columns:1fr 110px 40px;align-items:center;gap:6px}
.knob-value{font-variant-numeric:tabular-nums;text-align:right}
table.stats{border-collapse:collapse;margin:6px 0}table.stats th,table.stats td{padding:1px 8px;border-bottom:1px solid #f1f3f5;text-align:right}
table.stats th:first-child{text-align:left;font-weight:normal}
.warnings{margin:4px 0;padding-left:18px;color:#c92a2a}.warnings .ok{color:#2b8a3e}
.timing{color:#868e96;font-size:11px}
.export textarea{font-family:monospace;font-size:11px;width:100%;max-width:420px}
.export pre{background:#f8f9fa;padding:4px;white-space:pre-wrap}
.figures{display:flex;flex-wrap:wrap;gap:10px}
figure{margin:0;border:1px solid #dee2e6;border-radius:4px;padding:4px}figcaption{font-weight:600;font-size:12px}
.chart .mark{cursor:pointer}.chart .mark:hover{opacity:.7}
.toolbar{margin:4px 0}.chip{background:#e7f5ff;border-radius:10px;padding:1px 8px}
.table-wrap{max-width:100%;overflow-x:auto}
table.rollout-table{border-collapse:collapse;font-size:12px;width:100%}
.rollout-table th{background:#f8f9fa;cursor:pointer;text-align:left;white-space:nowrap;padding:2px 4px;position:sticky;top:0}
.rollout-table .filters th{cursor:default}.rollout-table .filters input{width:100%;min-width:40px;box-sizing:border-box;font-size:11px}
.rollout-table td{padding:1px 4px;border-bottom:1px solid #f1f3f5;max-width:260px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.rollout-table tr:hover{background:#f1f3f5;cursor:pointer}.num{text-align:right;font-variant-numeric:tabular-nums}
tr.sel{background:#d0ebff!important}tr.second{background:#fff3bf!important}tr.tally-only td:first-child{color:#868e96}
iframe.view{box-sizing:border-box;width:100%;height:520px;border:1px solid #dee2e6;border-radius:4px;margin:4px 0}
table.group-table{border-collapse:collapse;font-size:12px}.group-table td,.group-table th{padding:1px 6px;text-align:left}
.pager{margin:4px 0}.error{color:#c92a2a}
section,figure,.hist{contain:content}
#figures,#compare,#rollouts{content-visibility:auto;contain-intrinsic-block-size:auto 600px}
.live{display:inline-block;contain:size layout;width:7.5ch;height:1.25em;line-height:1.25em;text-align:right;vertical-align:middle;font-variant-numeric:tabular-nums}
`;
