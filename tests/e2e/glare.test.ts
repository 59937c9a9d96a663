/**
 * Two peers that announce at the same moment (two people coming back online together) both
 * offer: glare. y-webrtc settles it by having one end answer the other's offer on its own
 * initiator peer, and with the browser's plain data channels neither end then hears the
 * other. The app's channels (chunked-rtc.ts) read the peer's channel too.
 */
import { expect, test } from '@playwright/test';
import type { GlareResult } from './support/glare-page';
import { testPageOrigin } from './support/plain-peer';

const WAIT_MS = 4000;

test('after glare, both ends hear each other over the app’s channels, not over plain ones', async ({
	page
}) => {
	await page.goto(`${await testPageOrigin('glare-page.ts')}/`);
	await page.waitForFunction(() => 'glare' in globalThis);
	const run = (chunked: boolean) =>
		page.evaluate(
			([chunked, waitMs]) =>
				(
					globalThis as unknown as {
						glare: (chunked: boolean, waitMs: number) => Promise<GlareResult>;
					}
				).glare(chunked, waitMs),
			[chunked, WAIT_MS] as const
		);

	// The browser's own channels: connected, and deaf both ways. (This is what the fix is for;
	// it failing here would mean the browser or simple-peer changed.)
	const plain = await run(false);
	expect(plain.connected).toBe(true);
	expect(plain.heardByA).toEqual([]);
	expect(plain.heardByB).toEqual([]);

	const ours = await run(true);
	expect(ours.errors).toEqual([]);
	expect(ours.connected).toBe(true);
	expect(ours.heardByA).toEqual([40, 100_000]);
	expect(ours.heardByB).toEqual([40, 100_000]);
});
