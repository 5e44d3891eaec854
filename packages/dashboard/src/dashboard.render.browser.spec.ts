/// <reference lib="dom" />
// (the callbacks given to page.evaluate and addInitScript run in the browser)
import type { Browser } from 'playwright-core';
import type { HostHandle } from '@vitals/core';
import { dashboardHost, launchChromium } from './dashboard.test-util';

// Debian's chromium driven by playwright-core, as in dashboard.browser.spec.ts.
const WAIT = { timeout: 20_000 };

/** A y-axis tick label as the page drew it on a chart's canvas. */
interface Drawn {
  readonly text: string;
  readonly left: number;
}

describe('dashboard rendering in a real browser', () => {
  let browser: Browser;
  let host: HostHandle | undefined;
  let timer: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    clearInterval(timer);
    await host?.stop();
    await browser?.close();
  });

  it('draws every y-axis label whole, however wide (23.8 MiB/s, not 3.8 MiB/s cut at the left)', async () => {
    host = dashboardHost({ port: 0 });
    await host.start();
    const base = `http://127.0.0.1:${host.httpAddress()!.port}`;
    // A disk read at ~100 MB/s: the Disk I/O chart's ticks read "23.8 MiB/s" … "95.4 MiB/s".
    let read = 0;
    const publish = () => {
      read += 25_000_000;
      host!.stream.publish({
        source: 'test-disk',
        at: Date.now(),
        samples: [{ name: 'node_disk_read_bytes_total', value: read, labels: { device: 'vda' } }],
      });
    };
    publish();
    timer = setInterval(publish, 250);

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Record what uPlot writes on its canvases: right-aligned text is a y-axis tick label.
    await page.addInitScript(() => {
      const drawn: Drawn[] = [];
      (window as unknown as { __drawn: Drawn[] }).__drawn = drawn;
      const fillText = CanvasRenderingContext2D.prototype.fillText;
      CanvasRenderingContext2D.prototype.fillText = function (text, x, y, maxWidth) {
        if (this.textAlign === 'right')
          drawn.push({ text: String(text), left: x - this.measureText(String(text)).width });
        return fillText.call(this, text, x, y, maxWidth);
      };
    });
    await page.goto(`${base}/dashboard/`);
    await page.waitForFunction(
      () => Number(document.querySelector('#chart-diskio')?.getAttribute('data-points')) >= 3,
      undefined,
      WAIT,
    );
    await page.waitForTimeout(600); // one more tick drawn with the wide labels
    const labels = await page.evaluate(() => (window as unknown as { __drawn: Drawn[] }).__drawn);
    const wide = labels.filter((l) => /^\d\d+(\.\d)? MiB\/s$/.test(l.text));
    expect(wide.length).toBeGreaterThan(0);
    // Drawn from x ≥ 0: nothing is cut off at the canvas's left edge.
    expect(labels.filter((l) => l.left < 0)).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows control and bidi characters of outside text as visible escapes, never raw', async () => {
    // A terminal escape, a bell and a right-to-left override (which would show the rest of the
    // message reversed, "Trojan Source" style) in an alert's summary and in a label value.
    const hostile = 'disk \u001b[2J\u0007 full \u202eLIAF\u202c';
    host!.alerts.addRule({
      id: 'spoof',
      metric: 'test_spoof',
      op: '>',
      threshold: 0,
      severity: 'warning',
      summary: hostile,
    });
    host!.stream.publish({
      source: 'test',
      at: Date.now(),
      samples: [{ name: 'test_spoof', value: 1, labels: { queue: `q\u202e1` } }],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`http://127.0.0.1:${host!.httpAddress()!.port}/dashboard/`);
    const alert = await page.waitForSelector('#alerts-now li[data-rule="spoof"]', WAIT);
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain('disk \\x1b[2J\\x07 full \\u202eLIAF\\u202c');
    expect(text).toContain('q\\u202e1');
    const row = await page.waitForSelector('#alert-history tr[data-rule="spoof"]', WAIT);
    const all = text + ((await row.textContent()) ?? '');
    // eslint-disable-next-line no-control-regex -- no raw control character reached the page
    expect(all).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    await page.close();
  }, 60_000);
});
