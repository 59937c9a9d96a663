/**
 * Glare, as y-webrtc resolves it, in one browser page: two simple-peer initiators (the build
 * y-webrtc imports) offer to each other at once. As y-webrtc does with its glare tokens, A's
 * offer wins: B answers it on B's own initiator peer (the browser rolls B's offer back), and
 * B's offer is ignored. Bundled at test time by plain-peer.ts (testPageOrigin).
 */
import Peer from 'simple-peer/simplepeer.min.js';
import { chunkedRtc, type RtcImplementation } from '../../../src/lib/sync/chunked-rtc';

type SimplePeer = {
	on(event: 'signal', listener: (signal: { type?: string }) => void): void;
	on(event: 'connect' | 'close', listener: () => void): void;
	on(event: 'data', listener: (data: Uint8Array) => void): void;
	on(event: 'error', listener: (error: Error) => void): void;
	signal(signal: unknown): void;
	send(data: Uint8Array): void;
	destroy(): void;
};

export type GlareResult = {
	/** Both ends counted the other as connected. */
	connected: boolean;
	/** The sizes of the messages each end received, in order. */
	heardByA: number[];
	heardByB: number[];
	errors: string[];
};

/** What each end sends once connected: a small message and one of many frames. */
const SIZES = [40, 100_000];

async function glare(chunked: boolean, waitMs: number): Promise<GlareResult> {
	const browserRtc: RtcImplementation = {
		RTCPeerConnection,
		RTCSessionDescription,
		RTCIceCandidate
	};
	const stats = { framesSent: 0, framesReceived: 0, dropped: 0 };
	const wrtc = chunked ? chunkedRtc(browserRtc, stats, { compress: true }) : browserRtc;
	const options = { initiator: true, wrtc, config: { iceServers: [] } };
	const PeerClass = Peer as unknown as new (options: object) => SimplePeer;
	const a = new PeerClass(options);
	const b = new PeerClass(options);
	const result: GlareResult = { connected: false, heardByA: [], heardByB: [], errors: [] };
	let bOffered = false;
	const forB: unknown[] = [];
	a.on('signal', (signal) => {
		// A's offer (and candidates) reach B only once B has offered too: that is glare.
		if (bOffered) b.signal(signal);
		else forB.push(signal);
	});
	b.on('signal', (signal) => {
		if (signal.type === 'offer') {
			bOffered = true;
			for (const waiting of forB.splice(0)) b.signal(waiting);
			return; // A has the higher token: B's offer is ignored
		}
		a.signal(signal);
	});
	let connections = 0;
	const allHeard = new Promise<void>((resolve) => {
		const check = () => {
			if (result.heardByA.length >= SIZES.length && result.heardByB.length >= SIZES.length) {
				resolve();
			}
		};
		for (const [peer, heard] of [
			[a, result.heardByA],
			[b, result.heardByB]
		] as const) {
			peer.on('connect', () => {
				if (++connections === 2) result.connected = true;
				for (const size of SIZES) peer.send(new Uint8Array(size).fill(size % 251));
			});
			peer.on('data', (data) => {
				heard.push(data.byteLength);
				check();
			});
			peer.on('error', (error) => result.errors.push(error.message));
		}
	});
	await Promise.race([allHeard, new Promise((resolve) => setTimeout(resolve, waitMs))]);
	a.destroy();
	b.destroy();
	return result;
}

(globalThis as unknown as { glare: typeof glare }).glare = glare;
