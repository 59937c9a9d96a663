import { afterEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as Y from 'yjs';
import type { WebrtcProvider } from 'y-webrtc';
import { relayToTabsAfterPeers, TAB_RELAY_DELAY_MS } from './tab-relay';

/** A tab: a document in a room, meeting the other tabs of this process over BroadcastChannel. */
type Tab = { doc: Y.Doc; provider: WebrtcProvider };
const open: Tab[] = [];

/** y-webrtc's module file: imported under a new URL, it is a new copy with rooms of its own. */
const Y_WEBRTC = pathToFileURL(join(process.cwd(), 'node_modules/y-webrtc/src/y-webrtc.js')).href;
let tabs = 0;

/**
 * Each tab gets its own copy of y-webrtc, as a tab of a browser would: y-webrtc allows one
 * room of a name per copy. They share lib0's BroadcastChannel, which hands each message to
 * every subscriber of this process, as BroadcastChannel does between tabs.
 */
async function openTab(room: string, password?: string): Promise<Tab> {
	const { WebrtcProvider } = (await import(
		/* @vite-ignore */ `${Y_WEBRTC}?tab=${++tabs}`
	)) as typeof import('y-webrtc');
	const doc = new Y.Doc();
	// No signaling server: only BroadcastChannel, as between tabs of one browser.
	const provider = new WebrtcProvider(room, doc, { signaling: [], password });
	const tab = { doc, provider };
	open.push(tab);
	return tab;
}

/** A WebRTC peer as y-webrtc's room holds it: what it is sent is recorded. */
function fakeWebrtcPeer(tab: Tab): Uint8Array[] {
	const sent: Uint8Array[] = [];
	const room = tab.provider.room as unknown as { webrtcConns: Map<string, unknown> };
	room.webrtcConns.set('remote', { peer: { send: (m: Uint8Array) => sent.push(m) }, destroy() {} });
	return sent;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

async function until(check: () => boolean) {
	for (let i = 0; i < 100 && !check(); i++) await settle();
	expect(check()).toBe(true);
}

afterEach(() => {
	vi.restoreAllMocks();
	for (const { provider, doc } of open.splice(0)) {
		provider.room?.webrtcConns.clear();
		provider.destroy();
		doc.destroy();
	}
});

describe('relayToTabsAfterPeers', () => {
	it('an update goes to WebRTC peers at once, and to the other tabs a moment later', async () => {
		const tab = await openTab(`alone-${Math.random()}`);
		expect(await relayToTabsAfterPeers(tab.provider)).toBe(true);
		await settle();
		const sent = fakeWebrtcPeer(tab);
		const posted = vi.spyOn(BroadcastChannel.prototype, 'postMessage');
		tab.doc.getMap('records').set('a', { record: 'x', signature: 'y' });
		expect(sent).toHaveLength(1);
		// Not in the update's own task: the check and the view of the record come first.
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(posted).not.toHaveBeenCalled();
		await new Promise((resolve) => setTimeout(resolve, TAB_RELAY_DELAY_MS + 20));
		expect(posted).toHaveBeenCalledTimes(1);
		expect(new Uint8Array(posted.mock.calls[0]![0] as Uint8Array)).toEqual(sent[0]);
	});

	it('two tabs: each gets the other’s updates, those made right after joining included', async () => {
		const name = `two-${Math.random()}`;
		const a = await openTab(name);
		await relayToTabsAfterPeers(a.provider);
		await settle();
		const b = await openTab(name);
		await relayToTabsAfterPeers(b.provider);
		// Before B has heard from A: a heal, a publish, an update from a WebRTC peer.
		b.doc.getMap('records').set('early', 1);
		a.doc.getMap('records').set('from a', 1);
		await until(
			() => a.doc.getMap('records').has('early') && b.doc.getMap('records').has('from a')
		);
		b.doc.getMap('records').set('later', 1);
		await until(() => a.doc.getMap('records').has('later'));
		expect(a.doc.store.pendingStructs).toBeNull();
	});

	it('after both tabs go offline and back in turn, they still reach each other', async () => {
		const name = `cycle-${Math.random()}`;
		const a = await openTab(name);
		const b = await openTab(name);
		await Promise.all([relayToTabsAfterPeers(a.provider), relayToTabsAfterPeers(b.provider)]);
		await settle();
		// y-webrtc's list of tabs ends up wrong here (A still counts B, B does not count A).
		a.provider.disconnect();
		await settle();
		b.provider.disconnect();
		await settle();
		a.provider.connect();
		await settle();
		b.provider.connect();
		await settle();
		for (let i = 0; i < 3; i++) b.doc.getMap('records').set(`after-${i}`, i);
		await until(() => a.doc.getMap('records').size === 3);
	});

	it('what was written alone reaches a tab that opens later, and so does what follows', async () => {
		const name = `later-${Math.random()}`;
		const a = await openTab(name);
		await relayToTabsAfterPeers(a.provider);
		await settle();
		for (let i = 0; i < 5; i++) a.doc.getMap('records').set(`early-${i}`, i);
		const b = await openTab(name);
		await relayToTabsAfterPeers(b.provider);
		await until(() => b.doc.getMap('records').size === 5);
		a.doc.getMap('records').set('late', 1);
		await until(() => b.doc.getMap('records').has('late'));
	});

	it('leaves an encrypted room to y-webrtc (it seals posts with code it does not export)', async () => {
		const tab = await openTab(`secret-${Math.random()}`, 'citizens secret');
		expect(await relayToTabsAfterPeers(tab.provider)).toBe(false);
	});

	it('a room that starts disconnected gets the relay when it connects', async () => {
		const tab = await openTab(`offline-${Math.random()}`);
		tab.provider.disconnect();
		expect(await relayToTabsAfterPeers(tab.provider)).toBe(true);
		tab.provider.connect();
		await settle();
		const sent = fakeWebrtcPeer(tab);
		const posted = vi.spyOn(BroadcastChannel.prototype, 'postMessage');
		tab.doc.getMap('records').set('a', 1);
		expect(sent).toHaveLength(1);
		expect(posted).not.toHaveBeenCalled();
		await settle();
		expect(posted).toHaveBeenCalledTimes(1);
	});
});
