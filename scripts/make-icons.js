/**
 * `node scripts/make-icons.js`: every app icon from one source, static/icon.svg. Chromium
 * (the one the end-to-end tests use) renders the PNGs the web app manifest lists; the
 * favicon is the same drawing with rounded corners. The outputs are committed, so building
 * needs nothing extra; run this again after changing the source.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const staticDir = join(root, 'static');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Corner radius of the "any" icons and the favicon, as a share of the side (as before: 14/64). */
const CORNER = 14 / 64;

/**
 * `rounded`: transparent corners, for icons shown as they are. Full bleed (maskable, Apple):
 * the platform applies its own mask, so the background must reach every edge.
 * @type {{ file: string, size: number, rounded: boolean }[]}
 */
const OUTPUTS = [
	{ file: 'icon-192.png', size: 192, rounded: true },
	{ file: 'icon-512.png', size: 512, rounded: true },
	{ file: 'icon-maskable-512.png', size: 512, rounded: false },
	{ file: 'apple-touch-icon.png', size: 180, rounded: false }
];

/**
 * The favicon: the source's drawing clipped to a rounded square.
 * @param {string} source
 */
export function roundedSvg(source) {
	const open = /<svg\b[^>]*>/.exec(source);
	const viewBox = /viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/.exec(open?.[0] ?? '');
	const end = source.lastIndexOf('</svg>');
	if (!open || !viewBox || end < 0)
		throw new Error('static/icon.svg: expected <svg viewBox="0 0 W H">');
	const [width, height] = [Number(viewBox[1]), Number(viewBox[2])];
	const inner = source
		.slice(open.index + open[0].length, end)
		.replace(/<!--[\s\S]*?-->/g, '')
		.replace(/\s*\n\s*/g, '');
	const r = +(Math.min(width, height) * CORNER).toFixed(2);
	return (
		`<!-- Made from icon.svg by scripts/make-icons.js: edit the source, not this file. -->\n` +
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}">` +
		`<clipPath id="c"><rect width="${width}" height="${height}" rx="${r}"/></clipPath>` +
		`<g clip-path="url(#c)">${inner}</g></svg>\n`
	);
}

async function main() {
	if (!existsSync(executablePath)) {
		console.error(`Chromium is not at ${executablePath}: install it or set CHROMIUM_PATH.`);
		process.exit(1);
	}
	const source = await readFile(join(staticDir, 'icon.svg'), 'utf8');
	await writeFile(join(staticDir, 'favicon.svg'), roundedSvg(source));

	const dataUrl = `data:image/svg+xml;base64,${Buffer.from(source).toString('base64')}`;
	const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
	try {
		for (const { file, size, rounded } of OUTPUTS) {
			const page = await browser.newPage({
				viewport: { width: size, height: size },
				deviceScaleFactor: 1
			});
			const radius = rounded ? `${CORNER * 100}%` : '0';
			await page.setContent(
				`<html><body style="margin:0;background:transparent">` +
					`<img src="${dataUrl}" width="${size}" height="${size}" ` +
					`style="display:block;border-radius:${radius}"></body></html>`
			);
			await page.locator('img').evaluate((img) => /** @type {HTMLImageElement} */ (img).decode());
			await page.screenshot({ path: join(staticDir, file), omitBackground: true });
			await page.close();
			console.log(`static/${file} (${size}×${size}${rounded ? ', rounded' : ', full bleed'})`);
		}
	} finally {
		await browser.close();
	}
	console.log('static/favicon.svg');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
