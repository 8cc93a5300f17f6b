/** The page's stylesheet: system fonts, light and dark schemes, print without chrome. */
export const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;--critical:#a40e26;--high:#d1242f;--medium:#9a6700;--low:#0969da;--info:#59636e;--add:#dafbe1;--del:#ffebe9;--focus:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--card:#151b23;--critical:#ff7b72;--high:#f85149;--medium:#d29922;--low:#4493f8;--info:#9198a1;--add:#1b4721;--del:#5a1e23;--focus:#4493f8}}
*{box-sizing:border-box}body{margin:0 auto;max-width:72rem;padding:1rem 1.25rem;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.subject{color:var(--muted);margin:0}
.verdict{display:inline-block;padding:.1rem .6rem;border-radius:.35rem;color:#fff;margin-right:.4rem}
.verdict-fail{background:var(--high)}.verdict-review{background:var(--medium)}.verdict-pass{background:#1a7f37}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
.facts th{width:14rem;color:var(--muted);font-weight:600}
.incomplete{border-left:4px solid var(--medium);padding:.25rem .75rem;background:var(--card)}
.badge{display:inline-block;min-width:4.5rem;text-align:center;border-radius:1rem;padding:0 .5rem;font-size:.8rem;font-weight:600;color:#fff}
.sev-critical.badge,.badge.sev-critical{background:var(--critical)}.badge.sev-high{background:var(--high)}.badge.sev-medium{background:var(--medium)}.badge.sev-low{background:var(--low)}.badge.sev-info{background:var(--info)}
.fill-critical{fill:var(--critical)}.fill-high{fill:var(--high)}.fill-medium{fill:var(--medium)}.fill-low{fill:var(--low)}.fill-info{fill:var(--info)}
.severity-bar svg{width:100%;height:18px;border-radius:4px}.severity-bar figcaption{margin-top:.25rem}figure{margin:.5rem 0}
.findings{list-style:none;padding:0}.finding{border:1px solid var(--line);border-radius:.4rem;margin:.4rem 0;background:var(--card)}
.finding summary{cursor:pointer;padding:.4rem .6rem}.finding .message{display:block;margin-top:.2rem}
.finding .where{margin-left:.3rem;color:var(--muted)}.explanation{margin:.25rem .75rem .75rem;color:var(--muted)}
pre.evidence{margin:0 .6rem .5rem;padding:.5rem;overflow:auto;background:var(--bg);border:1px solid var(--line);border-radius:.3rem;white-space:pre}
pre .add{background:var(--add);display:inline-block;min-width:100%}pre .del{background:var(--del);display:inline-block;min-width:100%}pre .hunk{color:var(--muted)}
.filters label{margin-right:.8rem}input[type=search]{font:inherit;padding:.3rem .5rem;width:100%;max-width:24rem;background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:.3rem}
button.sort{font:inherit;font-weight:600;background:none;border:0;color:inherit;cursor:pointer;padding:0}button.sort::after{content:" \\2195";color:var(--muted)}
button.sort[aria-sort=ascending]::after{content:" \\2191"}button.sort[aria-sort=descending]::after{content:" \\2193"}
:focus-visible{outline:2px solid var(--focus);outline-offset:2px}
.chart{width:100%;height:auto;max-height:22rem}.chart text{fill:var(--fg);font-size:11px}.chart .axis{stroke:var(--line)}.chart .marker{cursor:pointer}
.legend span{display:inline-block;margin-right:1rem}.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-1px;border-radius:2px}
.baseline-fill{fill:var(--low)}.candidate-fill{fill:var(--high)}.dot{fill:currentColor;opacity:.5}.escalation{font-weight:700}.marker.escalation{fill:var(--high)}
.swatch-critical{background:var(--critical)}.swatch-high{background:var(--high)}.swatch-medium{background:var(--medium)}.swatch-low{background:var(--low)}.swatch-info{background:var(--info)}
.refs{margin:.25rem .75rem .75rem;padding-left:1.2rem;overflow-wrap:anywhere}.table-scroll{overflow-x:auto}td code{overflow-wrap:anywhere}
@media (max-width:40rem){body{padding:.5rem}.wide{display:none}.facts th{width:auto}.badge{min-width:0}th,td{padding:.25rem .3rem}}
.explained details{margin:.3rem 0}.none{color:var(--muted)}footer{color:var(--muted);font-size:.85rem;margin-top:2rem}
@media print{body{max-width:none;font-size:11pt}details{display:block}details>summary{list-style:none}.filters,input[type=search]{display:none}.finding{break-inside:avoid}details:not([open])>*:not(summary){display:block}}
`
