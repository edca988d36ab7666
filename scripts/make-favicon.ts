/**
 * Writes web/public/favicon.ico from web/public/favicon.svg: the SVG drawn by Chromium at 16, 32
 * and 48 px, each PNG stored in one ICO file (browsers and tools that ask for /favicon.ico by
 * name). Run again after changing the SVG: node --import tsx scripts/make-favicon.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../test/support/browser.ts';

const svgPath = fileURLToPath(new URL('../web/public/favicon.svg', import.meta.url));
const icoPath = fileURLToPath(new URL('../web/public/favicon.ico', import.meta.url));
const SIZES = [16, 32, 48];

/** An ICO file holding PNG images (allowed since Windows Vista, read by every current browser). */
function icoOf(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size % 256, 0); // width (0 would mean 256)
    entry.writeUInt8(size % 256, 1); // height
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

const svg = readFileSync(svgPath, 'utf8');
const browser = await launchBrowser();
try {
  const images: { size: number; png: Buffer }[] = [];
  for (const size of SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<body style="margin:0"><img width="${size}" height="${size}" src="data:image/svg+xml,${encodeURIComponent(svg)}"></body>`);
    await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
    images.push({ size, png: await page.screenshot({ omitBackground: true }) });
    await page.close();
  }
  writeFileSync(icoPath, icoOf(images));
  console.log(`wrote ${icoPath} (${SIZES.join(', ')} px)`);
} finally {
  await browser.close();
}
