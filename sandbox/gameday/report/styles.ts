/** The report's only stylesheet, inlined: the file must render with no network. */
export const STYLES = `
body{font:14px/1.45 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:0;background:#f6f6f8;color:#1d1c1d}
main{max-width:1040px;margin:0 auto;padding:24px}
h1{margin:0 0 4px}h2{margin:32px 0 12px;border-bottom:1px solid #ddd;padding-bottom:4px}
.verdict{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;font-weight:600}
.passed{background:#2eb886}.failed{background:#a30200}.skipped{background:#888}
.scene{background:#fff;border:1px solid #e2e2e2;border-radius:6px;padding:12px 16px;margin:10px 0}
.scene h3{margin:0 0 6px}.scene .expect{color:#555;margin:0 0 8px}
.check{margin:2px 0}.check .detail{color:#666;font-size:12px;margin-left:22px}
.ok{color:#2eb886;font-weight:700}.ko{color:#a30200;font-weight:700}
figure.chart{background:#fff;border:1px solid #e2e2e2;border-radius:6px;margin:12px 0;padding:8px 12px}
figcaption{font-weight:600;margin-bottom:4px}
.grid{stroke:#eee}.tick{font-size:11px;fill:#666}
.legend-item{margin-right:16px;font-size:12px}.legend-item i{display:inline-block;width:12px;height:3px;margin-right:5px;vertical-align:middle}
table.timeline{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
.timeline td,.timeline th{border-bottom:1px solid #eee;padding:4px 8px;text-align:left;vertical-align:top}
.outcome{font-size:11px;padding:1px 6px;border-radius:8px;background:#eee}
.outcome-applied{background:#d8f3e6}.outcome-held{background:#fbeed5}.outcome-failed{background:#f7d4d4}
.slack{background:#fff;border:1px solid #e2e2e2;border-radius:6px;padding:0 0 8px}
.slack-channel{font-weight:700;padding:10px 16px;border-bottom:1px solid #eee}
.slack-message{display:flex;gap:10px;padding:8px 16px}
.avatar{flex:none;width:36px;height:36px;border-radius:6px;background:#4a154b;color:#fff;font-weight:700;display:flex;align-items:center;justify-content:center;font-size:13px}
.content{flex:1;min-width:0}.meta{font-size:13px}.app{font-size:10px;background:#eee;border-radius:3px;padding:0 3px;color:#555}
.time,.edited{color:#777;font-size:12px}
.attachment{border-left:4px solid #ddd;padding:4px 0 4px 12px;margin-top:4px}
.block-header{font-weight:700;font-size:16px;margin:2px 0 4px}
.block-section{margin:2px 0}.block-fields{display:grid;grid-template-columns:1fr 1fr;gap:4px 16px;margin:4px 0}
.block-context{color:#616061;font-size:12px;margin:4px 0}.block-divider{border:0;border-top:1px solid #eee}
.thread{margin-left:62px;border-left:2px solid #e8e8e8}.thread-count{color:#1264a3;font-size:12px;padding:2px 16px}
code{background:#f2f2f2;border:1px solid #e4e4e4;border-radius:3px;padding:0 3px;font-size:12px;color:#c01343}
pre{background:#f8f8f8;border:1px solid #e4e4e4;padding:6px;white-space:pre-wrap}
`;
