/**
 * Two peers that announce at the same moment (two people coming back online together) both
 * offer: glare. y-webrtc settles it by having one end answer the other's offer on its own
 * initiator peer. With the browser's plain data channels neither end then hears the other;
 * a Node peer (@roamhq/wrtc) cannot even take the offer, as it does not roll its own back.
 * The app's peer connections (chunked-rtc.ts) roll back and read the peer's channel too.
 */
import { createRequire } from 'node:module';
import { expect, test } from '@playwright/test';
import { chunkedRtc } from '../../src/lib/sync/chunked-rtc';
import { nodeDeflate } from '../../src/lib/sync/node-deflate';
import {
	AFTER_HEARING,
	AT_CONNECT,
	runGlare,
	type GlareResult,
	type SimplePeerClass
} from './support/glare';
import { nodeRtc } from './support/node-peer';
import { testPageOrigin } from './support/plain-peer';

/** Far longer than two peers on one machine take to connect (about a second). */
const WAIT_MS = 20_000;
/**
 * Each end heard the other's messages at connect in order, and the one sent on hearing it
 * (which may come first: an end can hear its peer before its own connect event).
 */
function expectHeardEverything(result: GlareResult) {
	expect(result.errors).toEqual([]);
	expect(result.connected).toBe(true);
	for (const heard of [result.heardByA, result.heardByB]) {
		expect(heard.filter((size) => size !== AFTER_HEARING)).toEqual(AT_CONNECT);
		expect(heard.filter((size) => size === AFTER_HEARING)).toHaveLength(1);
	}
	expect(result.framesReceived).toBeGreaterThan(0);
	expect(result.dropped).toBe(0);
}

test('after glare, browser ends hear each other over the app’s channels, not over plain ones', async ({
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

	expectHeardEverything(await run(true));
});

test('after glare, Node peers (the mirror’s WebRTC) connect and hear each other', async () => {
	const Peer = createRequire(import.meta.url)('simple-peer') as SimplePeerClass;
	const stats = { framesSent: 0, framesReceived: 0, dropped: 0 };
	const rtc = chunkedRtc(nodeRtc, stats, { compress: true, deflate: nodeDeflate });
	expectHeardEverything(await runGlare(Peer, rtc, stats, WAIT_MS));
});
