/**
 * Glare, as y-webrtc resolves it: two simple-peer initiators offer to each other at once. As
 * y-webrtc does with its glare tokens, A's offer wins: B answers it on B's own initiator peer,
 * and B's offer is ignored. Runs wherever simple-peer does (a browser page: glare-page.ts; or
 * Node with @roamhq/wrtc), with whatever RTC implementation it is given.
 */
import type { ChunkStats, RtcImplementation } from '../../../src/lib/sync/chunked-rtc';

type SimplePeer = {
	destroyed: boolean;
	on(event: 'signal', listener: (signal: { type?: string }) => void): void;
	on(event: 'connect' | 'close', listener: () => void): void;
	on(event: 'data', listener: (data: Uint8Array) => void): void;
	on(event: 'error', listener: (error: Error) => void): void;
	signal(signal: unknown): void;
	send(data: Uint8Array): void;
	destroy(): void;
};

export type SimplePeerClass = new (options: object) => SimplePeer;

export type GlareResult = {
	/** Both ends counted the other as connected. */
	connected: boolean;
	/** The sizes of the messages each end received, in order. */
	heardByA: number[];
	heardByB: number[];
	errors: string[];
	/** Frames received, and messages dropped, by both ends together (chunked channels only). */
	framesReceived: number;
	dropped: number;
};

/**
 * What each end sends once connected: a small message, one under the channel limit, and one
 * over it (always framed); then, once it has heard the peer (and so its HELLO), one more
 * that goes framed and deflated.
 */
export const AT_CONNECT = [40, 100_000, 300_000];
export const AFTER_HEARING = 200_000;

/**
 * Over plain channels, how long after both ends connected to listen for what they send: it
 * takes milliseconds when it arrives at all.
 */
export const HEARING_MS = 2000;

/**
 * Run the glare; resolves once both ends heard everything, or (`stats` null: plain
 * channels, expected deaf) HEARING_MS after both connected, or after `maxMs` whatever
 * happened.
 */
export async function runGlare(
	Peer: SimplePeerClass,
	wrtc: RtcImplementation,
	stats: ChunkStats | null,
	maxMs: number
): Promise<GlareResult> {
	const options = { initiator: true, wrtc, config: { iceServers: [] } };
	const a = new Peer(options);
	const b = new Peer(options);
	const result: GlareResult = {
		connected: false,
		heardByA: [],
		heardByB: [],
		errors: [],
		framesReceived: 0,
		dropped: 0
	};
	let bOffered = false;
	const forB: unknown[] = [];
	a.on('signal', (signal) => {
		// A's offer (and candidates) reach B only once B has offered too, and gathered its
		// first candidate: that is glare. (Rolled back before it gathered any, Chromium
		// sometimes gathers none for its answer: the connection never opens, and the app's
		// watch over pending connections, peers.ts, starts again.)
		if (bOffered) b.signal(signal);
		else forB.push(signal);
	});
	b.on('signal', (signal) => {
		if (signal.type === 'offer') return; // A has the higher token: B's offer is ignored
		if (!bOffered) {
			bOffered = true;
			for (const waiting of forB.splice(0)) b.signal(waiting);
		}
		a.signal(signal);
	});
	const expected = AT_CONNECT.length + 1;
	let connections = 0;
	const done = new Promise<void>((resolve) => {
		setTimeout(resolve, maxMs);
		for (const [peer, heard] of [
			[a, result.heardByA],
			[b, result.heardByB]
		] as const) {
			peer.on('connect', () => {
				if (++connections === 2) {
					result.connected = true;
					if (!stats) setTimeout(resolve, HEARING_MS);
				}
				for (const size of AT_CONNECT) peer.send(new Uint8Array(size).fill(size % 251));
			});
			peer.on('data', (data) => {
				if (heard.push(data.byteLength) === 1) {
					peer.send(new Uint8Array(AFTER_HEARING).fill(7));
				}
				if (result.heardByA.length >= expected && result.heardByB.length >= expected) resolve();
			});
			peer.on('error', (error) => result.errors.push(error.message));
		}
	});
	await done;
	a.destroy();
	b.destroy();
	result.framesReceived = stats?.framesReceived ?? 0;
	result.dropped = stats?.dropped ?? 0;
	return result;
}
