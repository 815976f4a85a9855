import { writeFileSync } from 'node:fs';
import { renderHtml } from '../../src/report/html.js';
import { exampleSpecs } from './examples.js';
import { launch, openReport } from '../browser/chromium.js';
const specs = exampleSpecs();
const doc = {
  title: 'Examples <script>',
  subtitle: 'x',
  sections: [
    {
      id: 's',
      title: 'All',
      blocks: Object.entries(specs).map(([name, spec]) => ({
        kind: 'chart' as const,
        chart: { name, spec },
      })),
    },
  ],
};
const html = await renderHtml(doc);
writeFileSync('/tmp/ex.html', html);
writeFileSync('/tmp/ex-static.html', await renderHtml(doc, { static: true }));
const b = await launch();
const r = await openReport(b, '/tmp/ex.html');
console.log(r.requests, r.errors, r.console.slice(0, 10));
await r.page.screenshot({ path: '/tmp/ex.png', fullPage: true });
const r2 = await openReport(b, '/tmp/ex-static.html', { waitForCharts: false });
await r2.page.screenshot({ path: '/tmp/ex-static.png', fullPage: true });
console.log(r2.errors);
await b.close();
